import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { createRuntime, type RouterRuntime } from '#functions/router/runtime.ts';
import { createDynamoClient } from '#local/dynamo-client.ts';
import { parseConfig } from '#shared/config/load-config.ts';
import { resolveSecrets, type SecretFetcher } from '#shared/config/resolve-secrets.ts';
import type { ConfigInput, RouterConfig } from '#shared/config/schema.ts';
import { PayloadTooLargeError, toOpenAIError } from '#shared/errors.ts';
import { createEventBridgePublisher } from '#shared/events/event-publisher.ts';
import { DEFAULT_EVENT_SOURCE } from '#shared/events/usage-event.ts';
import { Counters } from '#shared/observability/counters.ts';
import type { ProviderRegistry } from '#shared/providers/registry.ts';
import { loadComplexityScorer } from '#shared/routing/complexity-scorer.ts';
import { createDynamoApi } from '#shared/store/dynamo-api.ts';
import { keysTable, limitsTable, type TableDefinition, tableDefinitions, usageTable } from '#shared/store/tables.ts';
import { lambdaContext, toApiGatewayEvent } from './api-gateway-event.ts';
import { installAwsLambdaShim, LocalResponseStream, type StreamingHandler } from './awslambda-shim.ts';
import { type DynamoWorker, ensureTables, startDynamoWorker } from './embedded-dynamodb.ts';
import type { LocalEventBus } from './event-bus.ts';
import { type QueueSettings, startConsumers } from './local-consumers.ts';

const PROJECT_ROOT = resolve(import.meta.dirname, '..');

/** The router Lambda's timeout in the CDK stack (API Gateway streaming allows up to 15 minutes). */
const LAMBDA_TIMEOUT_MS = 5 * 60 * 1000;

export interface LocalServerOptions {
  /** A parsed config, or raw input (validated here). */
  config: RouterConfig | ConfigInput;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Where the embedded DynamoDB keeps its data; in memory when absent. */
  dynamoPath?: string;
  /** Use this DynamoDB endpoint (e.g. dynalite in another process) instead of starting one in process. */
  dynamoEndpoint?: string;
  adminKey?: string;
  /** Environment for `env:` secret references (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  fetchSecret?: SecretFetcher;
  providers?: Partial<ProviderRegistry>;
  logLevel?: LogLevel;
  /** Called after each request with a compact summary (the live line of `npm start`). */
  onRequest?: (line: RequestLine) => void;
  /** Queue timings of the local event bus (tests shorten them). */
  queues?: QueueSettings;
}

export interface RequestLine {
  method: string;
  path: string;
  status: number;
  ms: number;
  model?: string;
  usage?: string;
}

export interface LocalServer {
  url: string;
  port: number;
  runtime: RouterRuntime;
  dynamoEndpoint: string;
  tableName: (table: TableDefinition) => string;
  /** The local EventBridge + SQS: archive, queues (incl. dead-letter queues), `idle()`. */
  bus: LocalEventBus;
  /**
   * Resolves when every request has finished its work after the last byte (reconciliation,
   * usage events) and the event consumers are quiet: a client sees the end of a response first.
   */
  idle(): Promise<void>;
  /** Stops accepting requests, lets in-flight work finish, then stops everything. */
  close(): Promise<void>;
}

/** API Gateway refuses payloads over 10 MB before the Lambda sees them; so does the local server. */
const API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;
/** Past this, an oversized upload is cut off instead of read to its end. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * The body, as API Gateway would pass it: up to 10 MB, where the router's own limit
 * (`server.maxBodyBytes`, lower) answers 413 through the handler. Beyond 10 MB the local server
 * answers 413 itself, quoting the router's limit, after reading and dropping the rest, so the client
 * finishes sending and sees the 413 rather than a reset connection.
 */
const readBody = async (request: IncomingMessage, limit: number): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > DRAIN_LIMIT) break;
    if (size <= API_GATEWAY_MAX_BODY) chunks.push(chunk as Buffer);
  }
  if (size > API_GATEWAY_MAX_BODY) {
    if (size > DRAIN_LIMIT) request.destroy();
    throw new PayloadTooLargeError(size, limit);
  }
  return Buffer.concat(chunks);
};

const sendError = (response: ServerResponse, error: unknown): void => {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const { statusCode, body, headers } = toOpenAIError(error);
  response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': randomUUID(), ...headers });
  response.end(JSON.stringify(body));
};

/**
 * The local runtime: an embedded DynamoDB with the stack's tables, and an HTTP server that turns
 * each request into API Gateway's event and runs the real router Lambda handler on it.
 */
export const startLocalServer = async (options: LocalServerOptions): Promise<LocalServer> => {
  installAwsLambdaShim();
  // Imported after the shim: middy's streaming mode calls `awslambda.streamifyResponse` on creation.
  const { createRouterHandler } = await import('#functions/router/create-handler.ts');

  const config = parseConfig(options.config, 'local');
  // The embedded DynamoDB runs in a worker thread and the stores reach it by messages; a given
  // endpoint (dynalite elsewhere) is reached over HTTP by the router's light client, as in AWS.
  const dynamo: Pick<DynamoWorker, 'endpoint' | 'api' | 'close'> = options.dynamoEndpoint
    ? {
        endpoint: options.dynamoEndpoint,
        api: createDynamoApi({ endpoint: options.dynamoEndpoint }),
        close: async () => undefined,
      }
    : await startDynamoWorker(options.dynamoPath ? { path: options.dynamoPath } : {});
  // The SDK client creates tables (as CDK does in AWS).
  const client = createDynamoClient({ endpoint: dynamo.endpoint });
  const { api } = dynamo;
  const baseName = (table: TableDefinition): string => `inference-router-local-${table.id}`;
  let names = new Map<TableDefinition, string>();
  const tableName = (table: TableDefinition): string => names.get(table) ?? baseName(table);
  let server: Server | undefined;
  let bus: LocalEventBus | undefined;
  try {
    const logger = new Logger({ serviceName: 'inference-router', logLevel: options.logLevel ?? 'WARN' });
    const counters = new Counters();
    const env = options.env ?? process.env;
    // What can stop a start is checked before any table is created: a failed first start must not
    // leave a half-made data directory behind.
    const scorer = await loadComplexityScorer(config.routing.complexity, config.routing.scoring, {
      baseDir: PROJECT_ROOT,
      onWarning: (message, error) => logger.warn(message, { error: error as Error }),
    });
    if (config.lago) await resolveSecrets([{ label: 'lago.apiKey', ref: config.lago.apiKey }], env, options.fetchSecret);
    names = await ensureTables(client, tableDefinitions, baseName);
    bus = await startConsumers({
      config,
      source: DEFAULT_EVENT_SOURCE,
      dynamo: api,
      usageTableName: tableName(usageTable),
      env,
      ...(options.fetchSecret ? { fetchSecret: options.fetchSecret } : {}),
      logger,
      counters,
      ...(options.queues ? { queues: options.queues } : {}),
    });
    // The router publishes to the bus in this process directly (bus.events), not over HTTP: the
    // bus handles the entries exactly as a PutEvents request.
    const busEvents = bus.events;
    const runtime = await createRuntime({
      config,
      env,
      scorer,
      dynamo: api,
      keysTableName: tableName(keysTable),
      limitsTableName: tableName(limitsTable),
      usageTableName: tableName(usageTable),
      counters,
      events: ({ logger: eventLogger }) =>
        createEventBridgePublisher({
          client: busEvents,
          busName: 'local',
          source: DEFAULT_EVENT_SOURCE,
          logger: eventLogger,
          counters,
        }),
      adminKey: options.adminKey,
      logger,
      ...(options.fetchSecret ? { fetchSecret: options.fetchSecret } : {}),
      ...(options.providers ? { providers: options.providers } : {}),
    });
    const handler = createRouterHandler(runtime) as unknown as StreamingHandler;

    let inFlight = 0;
    const drained: Array<() => void> = [];
    const idle = async (): Promise<void> => {
      if (inFlight > 0) await new Promise<void>((resolve) => drained.push(resolve));
      await bus?.idle();
      if (inFlight > 0) await idle();
    };
    server = createServer(async (request, response) => {
      inFlight += 1;
      const started = performance.now();
      const stream = new LocalResponseStream(response);
      response.socket?.setNoDelay(true);
      try {
        const body = await readBody(request, config.server.maxBodyBytes);
        const event = toApiGatewayEvent(request, body);
        await handler(event, stream, lambdaContext('router', LAMBDA_TIMEOUT_MS));
      } catch (error) {
        sendError(response, error);
      } finally {
        options.onRequest?.({
          method: request.method ?? 'GET',
          path: request.url ?? '/',
          status: response.statusCode,
          ms: Math.round((performance.now() - started) * 10) / 10,
          ...(typeof stream.headers['x-router-model'] === 'string' ? { model: stream.headers['x-router-model'] } : {}),
          ...(typeof stream.headers['x-token-usage'] === 'string' ? { usage: stream.headers['x-token-usage'] } : {}),
        });
        inFlight -= 1;
        if (inFlight === 0) for (const resolve of drained.splice(0)) resolve();
      }
    });
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const listening = server;
    return {
      url: `http://${options.host ?? '127.0.0.1'}:${port}`,
      port,
      runtime,
      dynamoEndpoint: dynamo.endpoint,
      bus,
      idle,
      tableName,
      close: async () => {
        const stopped = new Promise<void>((resolve) => listening.close(() => resolve()));
        listening.closeIdleConnections();
        // Bounded: a request stuck on a hanging upstream must not hold the shutdown forever.
        await Promise.race([idle(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
        listening.closeAllConnections();
        await stopped;
        await bus?.close();
        client.destroy();
        api.destroy();
        await dynamo.close();
      },
    };
  } catch (error) {
    server?.close();
    await bus?.close();
    client.destroy();
    api.destroy();
    await dynamo.close();
    throw error;
  }
};
