import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from './ipc.ts';

// A reference point, not the router: the least a Node process can do to forward a request to the
// upstream with fetch (as the router's OpenAI adapter does) and pipe the answer back. The router's
// overhead over direct includes this extra process hop; its overhead over this proxy is its own work.

const upstreamUrl = process.env.BENCH_UPSTREAM_URL;
if (!upstreamUrl) throw new Error('BENCH_UPSTREAM_URL is required');

const server = createServer({ keepAliveTimeout: 60_000 }, async (request, response) => {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const upstream = await fetch(`${upstreamUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
      body: Buffer.concat(chunks),
    });
    response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    if (upstream.body) for await (const chunk of upstream.body) response.write(chunk);
    response.end();
  } catch {
    if (response.headersSent) response.destroy();
    else response.writeHead(502).end();
  }
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serve({}, { url: `http://127.0.0.1:${port}` });
});
