import { isIP, Server, Socket } from 'node:net';
import { serve } from './ipc.ts';

// The peer: the Portkey AI gateway (`@portkey-ai/gateway`, open source, proxy only: no keys, limits,
// metering or persistence of its own), run from its published entry point
// (build/start-server.js, as `npx @portkey-ai/gateway` runs it) in its own process. The benchmark
// sends it OpenAI requests with `x-portkey-provider: openai` and `x-portkey-custom-host` pointing at
// the fake upstream, so it forwards to the same upstream as the router.
//
// Its entry point calls @hono/node-server's `serve({ port })` without a hostname, which listens on
// every interface: `listen` is wrapped below to bind 127.0.0.1 only, and the process stops if any
// server it opened ends up elsewhere. Outgoing TCP connections to anything but loopback are refused
// (it must never call the internet: no telemetry, DNS-over-HTTPS or remote config).

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);
const isLoopback = (host: string): boolean => LOOPBACK.has(host) || (isIP(host) === 4 && host.startsWith('127.'));

const servers: Server[] = [];
const originalListen = Server.prototype.listen;
type ListenArgs = Parameters<typeof originalListen>;
Server.prototype.listen = function listenOnLoopback(this: Server, ...args: unknown[]): Server {
  const callback = args.find((arg): arg is () => void => typeof arg === 'function');
  const first = args[0];
  let port: number;
  if (typeof first === 'number' || typeof first === 'string') port = Number(first);
  else if (first && typeof first === 'object' && 'port' in first) port = Number((first as { port?: unknown }).port ?? 0);
  else throw new Error('portkey-gateway: only TCP listens on a port are allowed');
  servers.push(this);
  const loopback: ListenArgs = callback ? [{ port, host: '127.0.0.1' }, callback] : [{ port, host: '127.0.0.1' }];
  return originalListen.apply(this, loopback);
} as typeof originalListen;

const refused: string[] = [];
const originalConnect = Socket.prototype.connect;
Socket.prototype.connect = function connectToLoopbackOnly(this: Socket, ...args: unknown[]): Socket {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : first;
  // `connect(port, host)`, `connect({ port, host })` or `connect(path)` (a Unix socket: local).
  const host =
    typeof options === 'object' && options !== null
      ? 'path' in options
        ? 'localhost'
        : String((options as { host?: unknown }).host ?? 'localhost')
      : typeof options === 'number' || (typeof options === 'string' && /^\d+$/.test(options))
        ? typeof args[1] === 'string'
          ? args[1]
          : 'localhost'
        : 'localhost';
  if (!isLoopback(host)) {
    refused.push(host);
    throw new Error(`portkey-gateway: a connection to ${host} was refused (loopback only)`);
  }
  return originalConnect.apply(this, args as Parameters<typeof originalConnect>);
} as typeof originalConnect;

// The entry point reads `--port=` and `--headless` from argv (the benchmark passes `--port=0 --headless`:
// a free port, no web UI). It prints a banner to stdout (discarded) and is ready once imported.
const entry = '@portkey-ai/gateway/build/start-server.js';
await import(entry);

const addresses = servers.map((server) => server.address());
const tcp = addresses.find((address) => typeof address === 'object' && address !== null);
if (!tcp || addresses.some((address) => typeof address !== 'object' || address === null || address.address !== '127.0.0.1')) {
  console.error(`portkey-gateway: not listening on 127.0.0.1 only: ${JSON.stringify(addresses)}`);
  process.exit(1);
}
// `idle`: nothing of Portkey's runs after its responses that the benchmark should wait for.
serve({ refused: () => [...refused], idle: () => undefined }, { url: `http://127.0.0.1:${tcp.port}` });
