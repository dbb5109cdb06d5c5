import type { EventBridgeEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { UsageEventDetail } from '#shared/events/usage-event.ts';
import { ADMIN_KEY, type Harness, startHarness } from './harness.ts';

// Usage events end to end: the router publishes one per request to the local EventBridge, which
// delivers it to the real metering and Lago-sync handlers by the stack's own rules. Billing must be
// exact: one Lago event per served request, never two, streams with their real usage.

let harness: Harness;
let key: string;
let keyId: string;

beforeAll(async () => {
  harness = await startHarness({
    lago: true,
    configure: (config) => {
      config.defaults = { limits: { rpm: 10_000, tpm: 100_000_000 } };
      config.tenants = { acme: { lagoSubscriptionId: 'sub_acme' } };
    },
  });
  ({ key, id: keyId } = await harness.createKey({ tenant: 'acme' }));
});
afterAll(async () => harness.close());

const lago = () => {
  if (!harness.lago) throw new Error('harness started without Lago');
  return harness.lago;
};

const chat = async (body: Record<string, unknown> = {}, apiKey = key) => {
  const response = await harness.fetch('/v1/chat/completions', {
    method: 'POST',
    key: apiKey,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content: 'hello there' }], ...body }),
  });
  const text = await response.text();
  await harness.router.idle();
  return { response, text, requestId: response.headers.get('x-request-id') ?? '' };
};

const eventOf = (requestId: string): EventBridgeEvent<string, UsageEventDetail> | undefined =>
  harness.router.bus.archive.find((event) => (event.detail as UsageEventDetail).requestId === requestId) as
    | EventBridgeEvent<string, UsageEventDetail>
    | undefined;

describe('publishing', () => {
  test('a served request publishes one inference.completed event with usage, cost and routing, and no text', async () => {
    // Act
    const { requestId, text } = await chat();

    // Assess
    const events = harness.router.bus.archive.filter((event) => (event.detail as UsageEventDetail).requestId === requestId);
    expect(events).toHaveLength(1);
    const completion = JSON.parse(text) as { usage: { prompt_tokens: number; completion_tokens: number } };
    expect(events[0]).toMatchObject({
      source: 'inference-router',
      'detail-type': 'inference.completed',
      detail: {
        version: 1,
        requestId,
        tenant: 'acme',
        keyId,
        lagoSubscriptionId: 'sub_acme',
        requestedModel: 'mock-small',
        servedModel: 'mock-small',
        provider: 'mock',
        routing: { tier: 'simple', reason: 'requested model', attempts: 1, fallbacks: 0 },
        usage: {
          promptTokens: completion.usage.prompt_tokens,
          completionTokens: completion.usage.completion_tokens,
          cachedTokens: 0,
          estimated: false,
        },
        status: 200,
        stream: false,
      },
    });
    const serialized = JSON.stringify(events[0]);
    expect(serialized).not.toContain('hello there');
    expect(serialized).not.toContain('mock reply');
  });

  test('a refused request publishes inference.failed with its status and no usage', async () => {
    // Prepare
    const limited = await harness.createKey({ tenant: 'acme', limits: { rpm: 1 } });
    await chat({}, limited.key);

    // Act
    const { response, requestId } = await chat({}, limited.key);

    // Assess
    expect(response.status).toBe(429);
    expect(eventOf(requestId)).toMatchObject({
      'detail-type': 'inference.failed',
      detail: { status: 429, errorCode: 'rate_limit_exceeded', usage: { promptTokens: 0, completionTokens: 0 }, costMicros: 0 },
    });
    expect(lago().events.has(requestId)).toBe(false);
  });

  test('a publishing failure never changes the response: the event is logged and counted', async () => {
    // Prepare: a second router whose event bus is gone.
    const broken = await startHarness();
    try {
      const brokenKey = (await broken.createKey()).key;
      await broken.router.bus.close();

      // Act
      const response = await broken.fetch('/v1/chat/completions', {
        method: 'POST',
        key: brokenKey,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content: 'x' }] }),
      });
      const body = await response.text();
      await broken.router.idle();

      // Assess
      expect(response.status).toBe(200);
      expect(JSON.parse(body)).toMatchObject({ object: 'chat.completion' });
      expect(broken.router.runtime.counters.get('events.publish_failed')).toBe(1);
    } finally {
      await broken.close();
    }
  });
});

describe('billing in Lago', () => {
  test('one Lago event per served request, with the request id as transaction id and a stable timestamp', async () => {
    // Act
    const { requestId, text } = await chat();

    // Assess
    const billed = lago().events.get(requestId);
    const completion = JSON.parse(text) as { usage: { prompt_tokens: number; completion_tokens: number } };
    const detail = eventOf(requestId)?.detail as UsageEventDetail;
    expect(billed).toMatchObject({
      transaction_id: requestId,
      external_subscription_id: 'sub_acme',
      code: 'llm_usage',
      timestamp: Math.floor(Date.parse(detail.timestamp) / 1000),
      properties: {
        model: 'mock-small',
        provider: 'mock',
        input_tokens: completion.usage.prompt_tokens,
        output_tokens: completion.usage.completion_tokens,
        cost_usd: (detail.costMicros / 1_000_000).toFixed(6),
      },
    });
    const batchRequests = lago().requests.filter((request) => JSON.stringify(request.body).includes(requestId));
    expect(batchRequests).toHaveLength(1);
    expect(batchRequests[0]?.headers.authorization).toBe('Bearer lago-test-api-key-0123456789abcdef');
  });

  test('a streamed request is billed with the usage it really had', async () => {
    // Act
    const { requestId, text } = await chat({ stream: true, stream_options: { include_usage: true } });

    // Assess
    const usageFrame = text.split('\n\n').find((frame) => frame.includes('"usage"')) ?? '';
    const usage = (JSON.parse(usageFrame.slice(6)) as { usage: { prompt_tokens: number; completion_tokens: number } }).usage;
    expect(usage.completion_tokens).toBeGreaterThan(5);
    expect(lago().events.get(requestId)?.properties).toMatchObject({
      input_tokens: usage.prompt_tokens,
      output_tokens: usage.completion_tokens,
    });
    expect(eventOf(requestId)?.detail).toMatchObject({
      stream: true,
      usage: { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens },
    });
  });

  test('an event delivered twice (an archive replay) is billed and metered once', async () => {
    // Prepare
    const { requestId } = await chat();
    const event = eventOf(requestId);
    const before = await harness.router.runtime.usage.query('acme', '2000-01-01', '2100-12-31');
    const requestsBefore = before.reduce((total, row) => total + row.requests, 0);

    // Act: EventBridge delivers it again, as at-least-once delivery or a replay would.
    if (!event) throw new Error('event not archived');
    harness.router.bus.replay(event);
    harness.router.bus.replay(event);
    await harness.router.idle();

    // Assess
    expect([...lago().events.keys()].filter((id) => id === requestId)).toHaveLength(1);
    const after = await harness.router.runtime.usage.query('acme', '2000-01-01', '2100-12-31');
    expect(after.reduce((total, row) => total + row.requests, 0)).toBe(requestsBefore);
    expect(harness.router.runtime.counters.get('lago.duplicates')).toBeGreaterThanOrEqual(1);
    expect(harness.router.runtime.counters.get('metering.duplicate')).toBeGreaterThanOrEqual(2);
  });

  test('Lago rate limiting (429) is retried and the event billed once', async () => {
    // Prepare
    lago().enqueue({ kind: 'error', status: 429, headers: { 'x-ratelimit-reset': '0' } });

    // Act
    const { requestId } = await chat();

    // Assess
    expect(lago().events.has(requestId)).toBe(true);
    expect(lago().requests.filter((request) => JSON.stringify(request.body).includes(requestId))).toHaveLength(2);
  });

  test('an event Lago keeps failing returns to the queue and, after the max receives, reaches the DLQ', async () => {
    // Prepare
    lago().setBehavior({ kind: 'error', status: 500 });

    // Act
    const { requestId } = await chat();
    lago().setBehavior({ kind: 'normal' });

    // Assess
    const dlq = harness.router.bus.queues.get('lago-sync-dlq')?.messages ?? [];
    const parked = dlq.find((message) => message.body.includes(requestId));
    expect(parked?.attributes.reason).toBe('max_receive_count');
    expect(parked?.receiveCount).toBe(3);
    expect(lago().events.has(requestId)).toBe(false);
  });

  test('an event that can never be billed (no subscription) is set aside in the DLQ with its reason', async () => {
    // Prepare
    const orphan = (await harness.createKey({ tenant: 'no-billing' })).key;

    // Act
    const { requestId } = await chat({}, orphan);

    // Assess
    const parked = harness.router.bus.queues.get('lago-sync-dlq')?.messages.find((message) => message.body.includes(requestId));
    expect(parked?.attributes.reason).toBe('missing_subscription: tenant no-billing has no Lago subscription id');
  });
});

describe('usage API', () => {
  test('GET /v1/usage reports the tenant its own usage, grouped as asked', async () => {
    // Prepare: usage of another tenant must not show.
    const other = (await harness.createKey({ tenant: 'globex' })).key;
    await chat({}, other);
    await chat({ model: 'mock-large' });

    // Act
    const byModel = (await (await harness.fetch('/v1/usage?group_by=model', { key })).json()) as {
      tenant: string;
      data: Array<{ model: string; requests: number; cost_usd: number }>;
      total: { requests: number };
    };
    const globex = (await (await harness.fetch('/v1/usage?group_by=key', { key: other })).json()) as {
      data: Array<{ key: string; requests: number }>;
    };

    // Assess
    expect(byModel.tenant).toBe('acme');
    expect(byModel.data.map((row) => row.model)).toEqual(['mock-large', 'mock-small']);
    expect(byModel.data.find((row) => row.model === 'mock-large')?.requests).toBe(1);
    expect(byModel.total.requests).toBe(byModel.data.reduce((total, row) => total + row.requests, 0));
    expect(globex.data).toHaveLength(1);
    expect(globex.data[0]?.requests).toBe(1);
  });

  test('a key cannot ask for another tenant; the admin API can', async () => {
    const refused = await harness.fetch('/v1/usage?tenant=globex', { key });
    expect(refused.status).toBe(400);
    const admin = (await (await harness.fetch('/admin/usage?tenant=globex&group_by=none', { key: ADMIN_KEY })).json()) as {
      data: Array<{ requests: number }>;
    };
    expect(admin.data).toEqual([expect.objectContaining({ none: 'all', requests: 1 })]);
  });
});
