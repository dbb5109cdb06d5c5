import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

// The same promise as cors.test.ts, kept by a real browser: a page on another origin streams a
// completion with a key (so the browser sends a preflight first) and reads the router's headers.
// Runs where Debian's chromium is installed; skipped elsewhere. A page on an origin not listed is
// refused by the browser itself.

const CHROMIUM = '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);

let page: Server;
let pageOrigin: string;
let harness: Harness;
let key: string;

beforeAll(async () => {
  if (!hasBrowser) return;
  page = createServer((_request, response) =>
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>'),
  );
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
  harness = await startHarness({ server: { cors: { origins: [pageOrigin] } } });
  key = (await harness.createKey()).key;
});
afterAll(async () => {
  if (!hasBrowser) return;
  await harness.close();
  await new Promise((resolve) => page.close(resolve));
});

test.skipIf(!hasBrowser)('a page on another origin streams a completion and reads the router headers', async () => {
  // Prepare
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const tab = await browser.newPage();
    await tab.goto(pageOrigin);

    // Act
    const seen = await tab.evaluate(
      async ({ url, apiKey }) => {
        const response = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'mock-small', stream: true, messages: [{ role: 'user', content: 'Say hi' }] }),
        });
        const reader = response.body?.getReader();
        const decoder = new TextDecoder();
        let text = '';
        let reads = 0;
        for (let next = await reader?.read(); next && !next.done; next = await reader?.read()) {
          text += decoder.decode(next.value, { stream: true });
          reads += 1;
        }
        return {
          status: response.status,
          requestId: response.headers.get('x-request-id'),
          model: response.headers.get('x-router-model'),
          remaining: response.headers.get('x-ratelimit-remaining-requests'),
          text,
          reads,
        };
      },
      { url: harness.router.url, apiKey: key },
    );

    // The same page served from an origin the router does not list: the browser refuses the call.
    const other = await browser.newPage();
    await other.goto(pageOrigin.replace('127.0.0.1', 'localhost'));
    const refused = await other.evaluate(
      async ({ url, apiKey }) =>
        fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } }).then(
          (response) => `status ${response.status}`,
          (error: unknown) => String(error),
        ),
      { url: harness.router.url, apiKey: key },
    );

    // Assess
    expect(seen).toMatchObject({
      status: 200,
      requestId: expect.any(String),
      model: 'mock-small',
      remaining: expect.any(String),
    });
    expect(seen.text).toContain('data: [DONE]');
    expect(refused).toMatch(/TypeError: Failed to fetch/);
  } finally {
    await browser.close();
  }
});
