import type { IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { lambdaContext, toApiGatewayEvent } from '#local/api-gateway-event.ts';
import {
  installAwsLambdaShim,
  type LocalResponseStream,
  type ResponsePrelude,
  type StreamingHandler,
} from '#local/awslambda-shim.ts';
import { serve } from './ipc.ts';
import { type Summary, summarize } from './stats.ts';

// The router handler's own time: the Lambda entry point (functions/router/handler.ts, initialised
// from the environment as in AWS) invoked directly with API Gateway events, no HTTP in front.
// DynamoDB (the dynalite process), EventBridge (the sink process) and the upstream (the fake
// upstream process) are real HTTP servers on loopback, reached through the router's own clients.

/** Lambda's response stream, discarding the bytes; records when the response ended. */
class NullResponseStream extends Writable {
  statusCode = 0;
  endedAt = 0;
  bytes = 0;

  setPrelude(prelude: ResponsePrelude): void {
    this.statusCode = prelude.statusCode ?? 200;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.endedAt = performance.now();
    callback();
  }
}

/** Just what toApiGatewayEvent reads from Node's request. */
const fakeRequest = (path: string, headers: Record<string, string>): IncomingMessage =>
  ({
    url: path,
    method: 'POST',
    httpVersion: '1.1',
    headers,
    rawHeaders: Object.entries(headers).flat(),
    socket: { remoteAddress: '127.0.0.1' },
  }) as unknown as IncomingMessage;

installAwsLambdaShim();
const { handler } = (await import('#functions/router/handler.ts')) as unknown as { handler: StreamingHandler };

export interface InProcessResult {
  requests: number;
  /** Invocation start to the end of the response (what the client waits for), ms. */
  response: Summary;
  /** Invocation start to the handler's promise resolving (after-response work included: Lambda's billed duration), ms. */
  invocation: Summary;
  /** The same upstream request made with fetch from this process, interleaved, ms. */
  upstreamDirect: Summary;
  /** CPU time of this process per invocation (all threads), microseconds; the direct fetches are excluded. */
  cpuMicrosPerRequest: number;
}

const run = async (args: {
  key: string;
  body: string;
  upstreamUrl: string;
  requests: number;
  warmup: number;
}): Promise<InProcessResult> => {
  const headers = { authorization: `Bearer ${args.key}`, 'content-type': 'application/json', host: 'bench' };
  const body = Buffer.from(args.body);
  const response: number[] = [];
  const invocation: number[] = [];
  const direct: number[] = [];
  let cpuMicros = 0;
  for (let i = 0; i < args.warmup + args.requests; i++) {
    const event = toApiGatewayEvent(fakeRequest('/v1/chat/completions', headers), body);
    const context = lambdaContext('router', 300_000);
    const stream = new NullResponseStream();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await handler(event, stream as unknown as LocalResponseStream, context);
    const finished = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    if (stream.statusCode !== 200) throw new Error(`handler answered ${stream.statusCode}`);

    const fetchStarted = performance.now();
    const upstream = await fetch(`${args.upstreamUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: args.body,
    });
    await upstream.json();
    const fetchFinished = performance.now();

    if (i < args.warmup) continue;
    response.push(stream.endedAt - started);
    invocation.push(finished - started);
    direct.push(fetchFinished - fetchStarted);
    cpuMicros += cpu.user + cpu.system;
  }
  return {
    requests: args.requests,
    response: summarize(response),
    invocation: summarize(invocation),
    upstreamDirect: summarize(direct),
    cpuMicrosPerRequest: cpuMicros / args.requests,
  };
};

serve({ run }, {});
