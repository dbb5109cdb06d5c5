import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from './ipc.ts';

// A lean OpenAI-compatible upstream for the benchmark, in its own process: JSON and SSE
// (`data: [DONE]`), a fixed answer, and nothing recorded, so its memory and CPU stay flat.
// Settings (environment): BENCH_UPSTREAM_DELAY_MS delays JSON answers and the first SSE event;
// BENCH_UPSTREAM_TOKEN_DELAY_MS spaces the SSE events after the first; BENCH_UPSTREAM_TOKENS is
// the number of content events of a stream.

const delayMs = Number(process.env.BENCH_UPSTREAM_DELAY_MS ?? 0);
const tokenDelayMs = Number(process.env.BENCH_UPSTREAM_TOKEN_DELAY_MS ?? 1);
const tokens = Number(process.env.BENCH_UPSTREAM_TOKENS ?? 8);

const created = 1_700_000_000;
const usage = {
  prompt_tokens: 14,
  completion_tokens: tokens,
  total_tokens: 14 + tokens,
  prompt_tokens_details: { cached_tokens: 0 },
};
const words = ['Hello', ' there', ',', ' nice', ' to', ' meet', ' you', '!'];
const text = Array.from({ length: tokens }, (_, i) => words[i % words.length]).join('');

const jsonBody = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created,
  model: 'gpt-bench',
  choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage,
  system_fingerprint: 'fp_bench',
});
const jsonHeaders = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(jsonBody)) };

const frame = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;
const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  frame({
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created,
    model: 'gpt-bench',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
const firstFrame = chunk({ role: 'assistant', content: '' });
const tokenFrames = Array.from({ length: tokens }, (_, i) => chunk({ content: words[i % words.length] }));
const lastFrames = `${chunk({}, 'stop')}${frame({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model: 'gpt-bench', choices: [], usage })}data: [DONE]\n\n`;
const sseHeaders = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

const later = (ms: number, fn: () => void): void => {
  if (ms > 0) setTimeout(fn, ms);
  else fn();
};

const streamAnswer = (res: ServerResponse): void => {
  res.writeHead(200, sseHeaders);
  res.write(firstFrame);
  let next = 0;
  const step = (): void => {
    if (res.destroyed) return;
    if (next < tokenFrames.length) {
      res.write(tokenFrames[next++] as string);
      later(tokenDelayMs, step);
      return;
    }
    res.end(lastFrames);
  };
  later(tokenDelayMs, step);
};

const handle = (req: IncomingMessage, res: ServerResponse): void => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (part: string) => {
    body += part;
  });
  req.on('end', () => {
    if (req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"Not found"}}');
      return;
    }
    // The router and the clients send compact JSON; a substring test is all the parsing needed.
    if (body.includes('"stream":true')) later(delayMs, () => streamAnswer(res));
    else later(delayMs, () => res.writeHead(200, jsonHeaders).end(jsonBody));
  });
};

const server = createServer({ keepAliveTimeout: 60_000 }, handle);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serve({}, { url: `http://127.0.0.1:${port}/v1`, delayMs, tokenDelayMs, tokens });
});
