import { Agent, request } from 'node:http';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { createDynamoClient } from '#local/dynamo-client.ts';
import { createEventsApi } from '#shared/events/eventbridge-client.ts';
import { createDynamoApi } from '#shared/store/dynamo-api.ts';
import { serve } from './ipc.ts';

// What one outgoing call costs the router's process, client side only (the servers are other
// processes): the CPU per call of the clients the hot path uses (fetch for upstreams, the router's
// light AWS JSON client for DynamoDB and EventBridge), next to the AWS SDK v3 doing the same calls
// (what the router used before) and a plain node:http request for scale.

interface ClientCost {
  name: string;
  calls: number;
  cpuMicrosPerCall: number;
  wallMicrosPerCall: number;
}

const measure = async (name: string, calls: number, call: () => Promise<unknown>): Promise<ClientCost> => {
  for (let i = 0; i < Math.min(200, calls); i++) await call();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < calls; i++) await call();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { name, calls, cpuMicrosPerCall: (used.user + used.system) / calls, wallMicrosPerCall: (wall * 1000) / calls };
};

const run = async (args: {
  upstreamUrl: string;
  dynamoEndpoint: string;
  eventsEndpoint: string;
  limitsTable: string;
  calls: number;
}): Promise<ClientCost[]> => {
  const body = JSON.stringify({ model: 'gpt-bench', messages: [{ role: 'user', content: 'Say hello in one short sentence.' }] });
  const url = `${args.upstreamUrl}/chat/completions`;
  const agent = new Agent({ keepAlive: true });
  const viaHttp = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (part: string) => {
          text += part;
        });
        res.on('end', () => {
          JSON.parse(text);
          resolve();
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  const viaFetch = async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await response.json();
  };
  const events = new EventBridgeClient({
    endpoint: args.eventsEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const lightEvents = createEventsApi(args.eventsEndpoint);
  const lightDynamo = createDynamoApi({ endpoint: args.dynamoEndpoint });
  const detail = JSON.stringify({
    version: 1,
    requestId: 'bench',
    usage: { promptTokens: 14, completionTokens: 8 },
    padding: 'x'.repeat(600),
  });
  const putEvents = () =>
    events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'bench',
            Source: 'inference-router',
            DetailType: 'inference.completed',
            Detail: detail,
            Time: new Date(),
          },
        ],
      }),
    );
  const dynamo = createDynamoClient({ endpoint: args.dynamoEndpoint });
  const updateInput = {
    TableName: args.limitsTable,
    Key: { pk: { S: 'key#bench-client-costs#min#2026-01-01T00:00' } },
    UpdateExpression:
      'ADD requests :requests, tokens :tokens, spendMicros :spend SET expiresAt = if_not_exists(expiresAt, :expires)',
    ConditionExpression: '(attribute_not_exists(requests) OR requests <= :max)',
    ExpressionAttributeValues: {
      ':requests': { N: '1' },
      ':tokens': { N: '1014' },
      ':spend': { N: '0' },
      ':expires': { N: '1767225600' },
      ':max': { N: '1000000000' },
    },
    ReturnValues: 'ALL_NEW' as const,
  };
  const updateItem = () => dynamo.send(new UpdateItemCommand(updateInput));
  const lightUpdateItem = () => lightDynamo.updateItem(updateInput);
  const lightPutEvents = () =>
    lightEvents.putEvents({
      Entries: [
        {
          EventBusName: 'bench',
          Source: 'inference-router',
          DetailType: 'inference.completed',
          Detail: detail,
          Time: Math.floor(Date.now() / 1000),
        },
      ],
    });
  try {
    return [
      await measure('node:http request (reference)', args.calls, viaHttp),
      await measure('fetch (undici), as upstream-fetch.ts calls upstreams', args.calls, viaFetch),
      await measure('router JSON client PutEvents (1 entry), as the usage event', args.calls, lightPutEvents),
      await measure('router JSON client UpdateItem, as admission and reconciliation', args.calls, lightUpdateItem),
      await measure('AWS SDK v3 PutEvents (1 entry), for comparison', args.calls, putEvents),
      await measure('AWS SDK v3 UpdateItem, for comparison', args.calls, updateItem),
    ];
  } finally {
    agent.destroy();
    events.destroy();
    dynamo.destroy();
    lightEvents.destroy();
    lightDynamo.destroy();
  }
};

serve({ run }, {});
