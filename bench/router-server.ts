import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { lambdaContext, toApiGatewayEvent } from '#local/api-gateway-event.ts';
import { installAwsLambdaShim, LocalResponseStream, type StreamingHandler } from '#local/awslambda-shim.ts';
import type { RequestLine } from '#local/server.ts';
import { serve } from './ipc.ts';

// The router under test, in its own process. Two modes (BENCH_ROUTER_MODE):
//
// - `lambda` (the figures): the router Lambda's own entry point, functions/router/handler.ts,
//   initialised from the environment exactly as in AWS (ROUTER_CONFIG, table names,
//   DYNAMODB_ENDPOINT, EVENT_BUS_NAME, EVENTBRIDGE_ENDPOINT, ADMIN_KEY). DynamoDB is the dynalite
//   process, EventBridge the sink process. A minimal HTTP front stands in for API Gateway and the
//   Lambda runtime, with the local server's own pieces: the API Gateway event
//   (local/api-gateway-event.ts) and the response stream (local/awslambda-shim.ts).
// - `local-server`: `npm start`'s stack (startLocalServer): the router, the local EventBridge bus
//   and the metering consumer in this process, which in AWS are other services and another Lambda.
//   With BENCH_LOCAL_DATA_DIR, as `npm start` runs it (the peer comparison): DynamoDB embedded and
//   persisted in that directory. Without it, DynamoDB is the dynalite process (DYNAMODB_ENDPOINT).
//
// In `lambda` mode the tables are created by the dynalite process, and nothing else is imported,
// so the process holds what a Lambda instance holds (plus the HTTP front).

const LAMBDA_TIMEOUT_MS = 5 * 60 * 1000;

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

let clientsGone = 0;

interface Router {
  url: string;
  stats: () => Record<string, number>;
  /** Resolves when every request has finished its after-response work. */
  idle: () => Promise<void>;
}

const startLambdaMode = async (): Promise<Router> => {
  installAwsLambdaShim();
  // Imported after the shim: middy's streaming mode calls `awslambda.streamifyResponse` on creation.
  const { handler } = (await import('#functions/router/handler.ts')) as unknown as { handler: StreamingHandler };
  let inFlight = 0;
  const waiters: Array<() => void> = [];
  const server = createServer({ keepAliveTimeout: 60_000 }, async (request, response) => {
    inFlight += 1;
    try {
      const event = toApiGatewayEvent(request, await readBody(request));
      const stream = new LocalResponseStream(response);
      // A client hanging up mid-request (autocannon does at the end of a run) makes the stream emit
      // 'error'; without a listener that is an uncaught exception (the local server has that bug).
      stream.on('error', () => {
        clientsGone += 1;
      });
      await handler(event, stream, lambdaContext('router', LAMBDA_TIMEOUT_MS));
    } catch {
      if (response.headersSent) response.destroy();
      else response.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"bench front"}}');
    } finally {
      inFlight -= 1;
      if (inFlight === 0) for (const resolve of waiters.splice(0)) resolve();
    }
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ clientsGone }),
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
};

const startLocalServerMode = async (): Promise<Router> => {
  const configPath = process.env.ROUTER_CONFIG;
  if (!configPath) throw new Error('ROUTER_CONFIG is required');
  // local/awslambda-shim.ts destroys the response stream with an error when a client hangs up
  // before the response, and nothing listens for it: the process would die at the end of a load
  // run (autocannon closes its connections mid-request). Only that error is tolerated here.
  process.on('uncaughtException', (error) => {
    if (error.message === 'client closed the connection') {
      clientsGone += 1;
      return;
    }
    console.error(error);
    process.exit(1);
  });
  const { startLocalServer } = await import('#local/server.ts');
  // With BENCH_LOCAL_DATA_DIR, as `npm start` runs: DynamoDB embedded in this process and
  // persisted under that directory (local/main.ts: DATA_DIR/dynamodb), its default log level (WARN)
  // and its request line on stdout (discarded by the benchmark, written all the same).
  const dataDir = process.env.BENCH_LOCAL_DATA_DIR;
  let served = 0;
  const server = await startLocalServer({
    config: JSON.parse(readFileSync(configPath, 'utf8')),
    ...(dataDir ? { dynamoPath: join(dataDir, 'dynamodb') } : { dynamoEndpoint: process.env.DYNAMODB_ENDPOINT }),
    adminKey: process.env.ADMIN_KEY,
    logLevel: dataDir ? 'WARN' : 'INFO',
    onRequest: (line: RequestLine) => {
      served += 1;
      if (!dataDir) return;
      const extra = [line.model, line.usage].filter(Boolean).join('  ');
      console.log(`${line.method.padEnd(6)} ${line.path.padEnd(24)} ${line.status}  ${String(line.ms).padStart(7)} ms  ${extra}`);
    },
  });
  return {
    url: server.url,
    stats: () => ({ archivedEvents: server.bus.archive.length, requests: served, clientsGone, rss: process.memoryUsage().rss }),
    idle: () => server.idle(),
  };
};

const mode = process.env.BENCH_ROUTER_MODE ?? 'lambda';
const router = mode === 'local-server' ? await startLocalServerMode() : await startLambdaMode();
serve(
  {
    stats: router.stats,
    idle: router.idle,
    /** Heap after a full collection (the process runs with --expose-gc): what is retained, not garbage. */
    gc: () => {
      (globalThis as { gc?: () => void }).gc?.();
      const memory = process.memoryUsage();
      return { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed };
    },
  },
  { url: router.url, mode },
);
