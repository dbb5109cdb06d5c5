import OpenAI, { APIError } from 'openai';
import { type LocalServer, startLocalServer } from '#local/server.ts';
import type { ConfigInput } from '#shared/config/schema.ts';
import type { UsageEventDetail } from '#shared/events/usage-event.ts';
import { createBedrockProvider } from '#shared/providers/bedrock/bedrock-provider.ts';
import { FAKE_ANTHROPIC_KEY, type FakeAnthropic, startFakeAnthropic } from '#test/fixtures/fake-anthropic.ts';
import { type FakeBedrock, startFakeBedrock } from '#test/fixtures/fake-bedrock.ts';
import { FAKE_LAGO_KEY, type FakeLago, type FakeLagoOptions, startFakeLago } from '#test/fixtures/fake-lago.ts';
import { FAKE_OPENAI_KEY, type FakeOpenAI, startFakeOpenAI } from '#test/fixtures/fake-openai.ts';

// Starts the real local server (embedded DynamoDB, real router handler) wired to fake upstreams
// on loopback, and gives tests a way to mint keys and talk to it like a user would.

export const ADMIN_KEY = 'sk-admin-test-0123456789abcdef';

export interface Harness {
  router: LocalServer;
  openaiUpstream: FakeOpenAI;
  anthropicUpstream: FakeAnthropic;
  bedrockUpstream: FakeBedrock;
  /** The fake Lago, when the harness was started with `lago: true`. */
  lago: FakeLago | undefined;
  /** Creates a key through the admin API, as an operator would. */
  createKey(body?: Record<string, unknown>): Promise<{ id: string; key: string }>;
  /** The official `openai` SDK pointed at the router: only `baseURL` and the key change. */
  client(key: string): OpenAI;
  fetch(path: string, init?: RequestInit & { key?: string }): Promise<Response>;
  /** The usage event the router published for a request (its detail), from the local bus's archive. */
  usageEvent(requestId: string | null): UsageEventDetail | undefined;
  close(): Promise<void>;
}

export const harnessConfig = (openaiUrl: string, anthropicUrl: string, bedrockUrl: string): ConfigInput => ({
  models: [
    {
      id: 'mock-small',
      provider: 'mock',
      tier: 'simple',
      capabilities: ['tools', 'json'],
      pricing: { inputPerMTok: 0.1, outputPerMTok: 0.4 },
    },
    {
      id: 'mock-large',
      provider: 'mock',
      tier: 'complex',
      capabilities: ['tools', 'vision', 'json'],
      pricing: { inputPerMTok: 3, outputPerMTok: 15 },
    },
    {
      id: 'gpt-fake',
      provider: 'openai',
      upstreamModel: 'gpt-4o-mini',
      baseUrl: openaiUrl,
      apiKey: 'env:FAKE_OPENAI_KEY',
      tier: 'standard',
      pricing: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
    },
    {
      id: 'claude-fake',
      provider: 'anthropic',
      upstreamModel: 'claude-sonnet-4-5',
      baseUrl: anthropicUrl,
      apiKey: 'env:FAKE_ANTHROPIC_KEY',
      tier: 'complex',
      pricing: { inputPerMTok: 3, outputPerMTok: 15 },
    },
    {
      id: 'bedrock-fake',
      provider: 'bedrock',
      upstreamModel: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      baseUrl: bedrockUrl,
      region: 'us-east-1',
      tier: 'complex',
      pricing: { inputPerMTok: 3, outputPerMTok: 15 },
    },
  ],
  aliases: { auto: { strategy: 'complexity', models: ['mock-small', 'mock-large'] }, cheapest: { strategy: 'cheapest' } },
});

export interface HarnessOptions {
  server?: Partial<ConfigInput['server']>;
  /** Changes to the config before the router starts. */
  configure?: (config: ConfigInput) => void;
  /** Start a fake Lago and bill to it. */
  lago?: boolean | FakeLagoOptions;
  /** The router's log level (silent by default). */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

export const startHarness = async (options: HarnessOptions = {}): Promise<Harness> => {
  const openaiUpstream = await startFakeOpenAI();
  const anthropicUpstream = await startFakeAnthropic();
  const bedrockUpstream = await startFakeBedrock();
  const lago = options.lago ? await startFakeLago(options.lago === true ? {} : options.lago) : undefined;
  const config = harnessConfig(openaiUpstream.url, anthropicUpstream.url, bedrockUpstream.url);
  if (options.server) config.server = { ...options.server };
  // Tests share upstreams across cases: a breaker tripped by one failure test must not leak into the next.
  config.routing = { breaker: { failureThreshold: 1000, coolDownMs: 1000 } };
  if (lago) config.lago = { baseUrl: lago.url, apiKey: 'env:FAKE_LAGO_KEY', eventCode: 'llm_usage' };
  options.configure?.(config);
  const router = await startLocalServer({
    config,
    adminKey: ADMIN_KEY,
    env: { FAKE_OPENAI_KEY, FAKE_ANTHROPIC_KEY, FAKE_LAGO_KEY },
    // Short queue timings, so retries and dead-lettering happen within a test.
    queues: { batchWindowMs: 20, visibilityTimeoutMs: 30, maxReceiveCount: 3, targetAttempts: 2 },
    logLevel: options.logLevel ?? 'SILENT',
    // Bedrock signs with SigV4: static test credentials instead of the default chain (env, profile, role).
    providers: {
      bedrock: createBedrockProvider({ credentials: { accessKeyId: 'AKIDTESTTESTTEST', secretAccessKey: 'test-secret' } }),
    },
  });
  const fetchRouter: Harness['fetch'] = (path, init = {}) => {
    const { key, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (key !== undefined) headers.set('authorization', `Bearer ${key}`);
    return fetch(`${router.url}${path}`, { ...rest, headers });
  };
  return {
    router,
    openaiUpstream,
    anthropicUpstream,
    bedrockUpstream,
    lago,
    async createKey(body = {}) {
      const response = await fetchRouter('/admin/keys', {
        method: 'POST',
        key: ADMIN_KEY,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: 'acme', ...body }),
      });
      if (response.status !== 201) throw new Error(`createKey: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string; key: string };
    },
    client: (key) => new OpenAI({ apiKey: key, baseURL: `${router.url}/v1`, maxRetries: 0 }),
    fetch: fetchRouter,
    usageEvent: (requestId) =>
      router.bus.archive.map((event) => event.detail as UsageEventDetail).find((detail) => detail.requestId === requestId),
    async close() {
      await router.close();
      await openaiUpstream.close();
      await anthropicUpstream.close();
      await bedrockUpstream.close();
      await lago?.close();
    },
  };
};

/** Fast retries and short timeouts; the breaker threshold is high except where a test is about the breaker. */
export const configureResilience = (config: ConfigInput, failureThreshold = 100): void => {
  config.routing = {
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 2_000 },
    breaker: { failureThreshold, coolDownMs: 400 },
    deadlineMs: 5_000,
  };
  for (const model of config.models) {
    if (model.id === 'gpt-fake') Object.assign(model, { fallbacks: ['claude-fake'], firstByteTimeoutMs: 300, timeoutMs: 600 });
  }
};

/** What the `openai` SDK throws for a refused call: the status and the body's OpenAI error. */
export const refusal = async (call: Promise<unknown>) => {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof APIError)) throw new Error(`expected an API error, got ${String(error)}`);
  return { status: error.status, ...(error.error as { message: string; code: string | null; param: string | null }) };
};
