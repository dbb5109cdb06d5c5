import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createLagoSender, type LagoSender, type LagoSendResult } from '#shared/billing/lago-client.ts';
import type { LagoEvent } from '#shared/billing/lago-event.ts';
import { type LagoSyncDeps, type QueuedRecord, syncToLago } from '#shared/billing/lago-sync.ts';
import { DETAIL_TYPE_COMPLETED, type UsageEventDetail } from '#shared/events/usage-event.ts';
import { Counters } from '#shared/observability/counters.ts';
import { FAKE_LAGO_KEY, type FakeLago, startFakeLago } from '#test/fixtures/fake-lago.ts';
import { usageDetail } from '#test/unit/shared/events/usage-detail.ts';

// Lago sync: each served request billed exactly once, whatever Lago answers. `send` is our own
// interface (one Lago batch call), scripted here; the last part talks to the fake Lago over HTTP.

/** An SQS record carrying the EventBridge event the lago-sync rule delivered. */
const record = (requestId: string, detail: Partial<UsageEventDetail> = {}, messageId = `msg-${requestId}`): QueuedRecord => ({
  messageId,
  body: JSON.stringify({
    version: '0',
    id: `evt-${requestId}`,
    source: 'inference-router',
    'detail-type': DETAIL_TYPE_COMPLETED,
    time: '2026-03-14T15:09:26Z',
    detail: { ...usageDetail({ requestId }), ...detail },
  }),
});

const records = (count: number, prefix = 'req'): QueuedRecord[] =>
  Array.from({ length: count }, (_unused, index) => record(`${prefix}-${index}`));

const ok: LagoSendResult = { ok: true };
const failure = (status: number, extra: { retryAfterMs?: number; errorDetails?: Record<string, Record<string, unknown>> } = {}) =>
  ({ ok: false, status, message: `Lago answered ${status}`, ...extra }) satisfies LagoSendResult;

/** A `send` that answers from a script (then `ok`), recording the transaction ids of each call. */
const scriptedSend = (...script: LagoSendResult[]) => {
  const calls: string[][] = [];
  const send: LagoSender = async (events: readonly LagoEvent[]) => {
    calls.push(events.map((event) => event.transaction_id));
    return script.shift() ?? ok;
  };
  return { send, calls };
};

const setup = (send: LagoSender, overrides: Partial<LagoSyncDeps> = {}) => {
  const setAsideCalls: Array<[string, string]> = [];
  const logger = new Logger({ serviceName: 'lago-sync-test', logLevel: 'SILENT' });
  const counters = new Counters();
  const deps: LagoSyncDeps = {
    send,
    eventCode: 'llm_usage',
    setAside: async (queued, reason) => {
      setAsideCalls.push([queued.messageId, reason]);
    },
    logger,
    counters,
    retries: 2,
    baseDelayMs: 1,
    maxWaitMs: 1_000,
    ...overrides,
  };
  return { deps, setAsideCalls, logger, counters };
};

const failedIds = (result: { batchItemFailures: Array<{ itemIdentifier: string }> }): string[] =>
  result.batchItemFailures.map((failure) => failure.itemIdentifier);

describe('syncToLago', () => {
  test('a batch Lago takes is sent once and acknowledged', async () => {
    // Prepare
    const { send, calls } = scriptedSend(ok);
    const { deps, setAsideCalls, counters } = setup(send);

    // Act
    const result = await syncToLago(records(3), deps);

    // Assess
    expect(calls).toEqual([['req-0', 'req-1', 'req-2']]);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(setAsideCalls).toEqual([]);
    expect(counters.snapshot()).toEqual({ 'lago.sent': 3 });
  });

  test('the events sent are the Lago events of the queued usage events', async () => {
    // Prepare
    const sent: LagoEvent[] = [];
    const { deps } = setup(async (events) => {
      sent.push(...events);
      return ok;
    });

    // Act
    await syncToLago([record('req-x', { costMicros: 2_500, lagoSubscriptionId: 'sub_9' })], deps);

    // Assess
    expect(sent).toEqual([
      {
        transaction_id: 'req-x',
        external_subscription_id: 'sub_9',
        code: 'llm_usage',
        timestamp: Math.floor(Date.parse(usageDetail().timestamp) / 1000),
        properties: expect.objectContaining({ cost_usd: '0.002500', model: 'mock-small' }),
      },
    ]);
  });

  test('a 422 naming a duplicate: it was billed before, counts as delivered, the rest is sent again', async () => {
    // Prepare
    const { send, calls } = scriptedSend(failure(422, { errorDetails: { '1': { transaction_id: ['value_already_exist'] } } }));
    const { deps, setAsideCalls, counters } = setup(send);

    // Act
    const result = await syncToLago(records(3), deps);

    // Assess
    expect(calls).toEqual([
      ['req-0', 'req-1', 'req-2'],
      ['req-0', 'req-2'],
    ]);
    expect(failedIds(result)).toEqual([]);
    expect(setAsideCalls).toEqual([]);
    expect(counters.snapshot()).toEqual({ 'lago.duplicates': 1, 'lago.sent': 2 });
  });

  test('a 422 naming an invalid event: it is set aside with Lago’s reason, the rest is sent again', async () => {
    // Prepare
    const { send, calls } = scriptedSend(
      failure(422, { errorDetails: { '0': { code: ['value_is_invalid'], transaction_id: ['value_already_exist'] } } }),
    );
    const { deps, setAsideCalls, counters } = setup(send);

    // Act
    const result = await syncToLago(records(3), deps);

    // Assess
    expect(calls).toEqual([
      ['req-0', 'req-1', 'req-2'],
      ['req-1', 'req-2'],
    ]);
    expect(failedIds(result)).toEqual([]);
    expect(setAsideCalls).toEqual([
      ['msg-req-0', 'lago_rejected: {"code":["value_is_invalid"],"transaction_id":["value_already_exist"]}'],
    ]);
    expect(counters.snapshot()).toEqual({ 'lago.sent': 2, 'lago.set_aside': 1 });
  });

  test('successive 422s are split until every event is delivered, a duplicate or set aside', async () => {
    // Prepare: Lago reports field errors first, then duplicates (as it does).
    const { send, calls } = scriptedSend(
      failure(422, { errorDetails: { '2': { timestamp: ['invalid_format'] } } }),
      failure(422, { errorDetails: { '0': { transaction_id: ['value_already_exist'] } } }),
    );
    const { deps, setAsideCalls, counters } = setup(send);

    // Act
    const result = await syncToLago(records(4), deps);

    // Assess
    expect(calls).toEqual([
      ['req-0', 'req-1', 'req-2', 'req-3'],
      ['req-0', 'req-1', 'req-3'],
      ['req-1', 'req-3'],
    ]);
    expect(failedIds(result)).toEqual([]);
    expect(setAsideCalls).toEqual([['msg-req-2', 'lago_rejected: {"timestamp":["invalid_format"]}']]);
    expect(counters.snapshot()).toEqual({ 'lago.duplicates': 1, 'lago.sent': 2, 'lago.set_aside': 1 });
  });

  test('a 422 whose details name no event of the batch: the whole batch is set aside, nothing resent', async () => {
    // Prepare
    const { send, calls } = scriptedSend({
      ok: false,
      status: 422,
      errorDetails: { events: { reason: ['too_many_events'] }, '7': { code: ['value_is_invalid'] } },
      message: 'Lago answered 422: too_many_events',
    });
    const { deps, setAsideCalls } = setup(send);

    // Act
    const result = await syncToLago(records(2), deps);

    // Assess
    expect(calls).toHaveLength(1);
    expect(failedIds(result)).toEqual([]);
    expect(setAsideCalls).toEqual([
      ['msg-req-0', 'lago_rejected: Lago answered 422: too_many_events'],
      ['msg-req-1', 'lago_rejected: Lago answered 422: too_many_events'],
    ]);
  });

  // Regression: a 422 without `error_details` (Lago's body unreadable, or a proxy's 422) names no event just
  // like the case above, but lago-sync.ts:109 only splits when `errorDetails` is present; otherwise
  // it falls to the transient check (lago-sync.ts:127-138) and, not transient, returns the whole
  // batch to the queue. It is resent until maxReceiveCount and dead-lettered as `max_receive_count`,
  // losing Lago's reason. Expected: set aside at once with `lago_rejected: <message>`.
  test('a 422 without any details is set aside, not returned to the queue', async () => {
    // Prepare
    const { send } = scriptedSend(failure(422));
    const { deps, setAsideCalls } = setup(send);

    // Act
    const result = await syncToLago(records(2), deps);

    // Assess
    expect(failedIds(result)).toEqual([]);
    expect(setAsideCalls.map(([messageId]) => messageId)).toEqual(['msg-req-0', 'msg-req-1']);
  });

  test.each([
    { name: '429', script: [failure(429)] },
    { name: '500 then 503', script: [failure(500), failure(503)] },
    { name: 'unreachable (status 0)', script: [failure(0)] },
    { name: '429 with a short reset', script: [failure(429, { retryAfterMs: 5 })] },
  ])('$name is retried, then the batch is delivered', async ({ script }) => {
    // Prepare
    const { send, calls } = scriptedSend(...script);
    const { deps, counters } = setup(send);

    // Act
    const result = await syncToLago(records(2), deps);

    // Assess
    expect(calls).toHaveLength(script.length + 1);
    expect(calls.every((ids) => ids.join() === 'req-0,req-1')).toBe(true);
    expect(failedIds(result)).toEqual([]);
    expect(counters.snapshot()).toEqual({ 'lago.sent': 2 });
  });

  test('retries exhausted: every message of the batch returns to the queue', async () => {
    // Prepare
    const { send, calls } = scriptedSend(failure(503), failure(503), failure(503), failure(503));
    const { deps, setAsideCalls, counters, logger } = setup(send);
    const error = vi.spyOn(logger, 'error');

    // Act
    const result = await syncToLago(records(3), deps);

    // Assess: the first try and 2 retries.
    expect(calls).toHaveLength(3);
    expect(failedIds(result)).toEqual(['msg-req-0', 'msg-req-1', 'msg-req-2']);
    expect(setAsideCalls).toEqual([]);
    expect(counters.snapshot()).toEqual({ 'lago.failed': 3 });
    expect(error).toHaveBeenCalledWith('Lago did not take the batch; it returns to the queue', {
      status: 503,
      events: 3,
      message: 'Lago answered 503',
    });
  });

  test('a client error other than 422 is not retried: the batch returns to the queue at once', async () => {
    // Prepare
    const { send, calls } = scriptedSend(failure(401));
    const { deps } = setup(send);

    // Act
    const result = await syncToLago(records(2), deps);

    // Assess
    expect(calls).toHaveLength(1);
    expect(failedIds(result)).toEqual(['msg-req-0', 'msg-req-1']);
  });

  test('a rate-limit reset longer than maxWaitMs returns the batch to the queue at once, without sleeping', async () => {
    // Prepare
    const { send, calls } = scriptedSend(failure(429, { retryAfterMs: 60_000 }));
    const { deps } = setup(send, { maxWaitMs: 5_000, retries: 5 });
    const started = performance.now();

    // Act
    const result = await syncToLago(records(2), deps);

    // Assess
    expect(performance.now() - started).toBeLessThan(500);
    expect(calls).toHaveLength(1);
    expect(failedIds(result)).toEqual(['msg-req-0', 'msg-req-1']);
  });

  test('a rate-limit reset within maxWaitMs is waited for', async () => {
    // Prepare
    const { send, calls } = scriptedSend(failure(429, { retryAfterMs: 60 }));
    const { deps } = setup(send, { maxWaitMs: 100 });
    const started = performance.now();

    // Act
    const result = await syncToLago(records(1), deps);

    // Assess
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(calls).toHaveLength(2);
    expect(failedIds(result)).toEqual([]);
  });

  test.each<{ name: string; queued: QueuedRecord; reason: string }>([
    {
      name: 'a body that is not JSON',
      queued: { messageId: 'm-1', body: '{"detail":' },
      reason: 'invalid_event: body is not JSON',
    },
    {
      name: 'an event without a request id',
      queued: record('req-1', { requestId: '' }, 'm-1'),
      reason: 'invalid_event: detail.requestId Too small: expected string to have >=1 characters',
    },
    {
      name: 'an event of an unknown version',
      queued: { messageId: 'm-1', body: record('req-1').body.replace('"version":1', '"version":2') },
      reason: 'invalid_event: detail.version Invalid input: expected 1',
    },
    {
      name: 'an event that is not a usage event',
      queued: { messageId: 'm-1', body: JSON.stringify({ id: 'e', source: 's', 'detail-type': 'x', time: 't', detail: {} }) },
      reason: expect.stringMatching(/^invalid_event: detail-type Invalid option: expected one of .*; detail\.version /),
    },
    {
      name: 'an event without a subscription',
      queued: record('req-1', { lagoSubscriptionId: undefined, tenant: 'globex' }, 'm-1'),
      reason: 'missing_subscription: tenant globex has no Lago subscription id',
    },
  ])('$name is set aside with its reason and never sent', async ({ queued, reason }) => {
    // Prepare
    const { send, calls } = scriptedSend();
    const { deps, setAsideCalls, counters } = setup(send);

    // Act
    const result = await syncToLago([queued, record('req-ok')], deps);

    // Assess
    expect(setAsideCalls).toEqual([['m-1', reason]]);
    expect(calls).toEqual([['req-ok']]);
    expect(failedIds(result)).toEqual([]);
    expect(counters.snapshot()).toEqual({ 'lago.sent': 1, 'lago.set_aside': 1 });
  });

  test('the same transaction twice in one batch is sent once and both messages are acknowledged', async () => {
    // Prepare
    const { send, calls } = scriptedSend();
    const { deps, counters } = setup(send);

    // Act
    const result = await syncToLago([record('req-1', {}, 'm-1'), record('req-2'), record('req-1', {}, 'm-2')], deps);

    // Assess
    expect(calls).toEqual([['req-1', 'req-2']]);
    expect(failedIds(result)).toEqual([]);
    expect(counters.snapshot()).toEqual({ 'lago.duplicates': 1, 'lago.sent': 2 });
  });

  test('250 records go to Lago in batches of 100, 100 and 50', async () => {
    // Prepare
    const { send, calls } = scriptedSend();
    const { deps, counters } = setup(send);
    const queued = records(250);

    // Act
    const result = await syncToLago(queued, deps);

    // Assess
    expect(calls.map((ids) => ids.length)).toEqual([100, 100, 50]);
    expect(calls.flat()).toEqual(queued.map((_queued, index) => `req-${index}`));
    expect(failedIds(result)).toEqual([]);
    expect(counters.snapshot()).toEqual({ 'lago.sent': 250 });
  });

  test('a batch that keeps failing returns only its own messages to the queue', async () => {
    // Prepare: the second batch of 100 fails on every try.
    const { send, calls } = scriptedSend(ok, failure(500), failure(500), failure(500));
    const { deps, counters } = setup(send);

    // Act
    const result = await syncToLago(records(250), deps);

    // Assess
    expect(calls.map((ids) => ids.length)).toEqual([100, 100, 100, 100, 50]);
    expect(failedIds(result)).toEqual(Array.from({ length: 100 }, (_unused, index) => `msg-req-${index + 100}`));
    expect(counters.snapshot()).toEqual({ 'lago.failed': 100, 'lago.sent': 150 });
  });

  test('a record that cannot be set aside returns to the queue instead', async () => {
    // Prepare
    const { send, calls } = scriptedSend(failure(422, { errorDetails: { '1': { code: ['value_is_invalid'] } } }));
    const { deps, logger, counters } = setup(send, {
      setAside: async () => {
        throw new Error('SQS unavailable');
      },
    });
    const error = vi.spyOn(logger, 'error');

    // Act
    const result = await syncToLago([{ messageId: 'm-garbage', body: 'not json' }, ...records(2)], deps);

    // Assess
    expect(failedIds(result)).toEqual(['m-garbage', 'msg-req-1']);
    expect(calls).toEqual([['req-0', 'req-1'], ['req-0']]);
    expect(counters.snapshot()).toEqual({ 'lago.sent': 1 });
    expect(error.mock.calls.map(([message, extra]) => [message, (extra as { messageId: string }).messageId])).toEqual([
      ['could not set a usage event aside', 'm-garbage'],
      ['could not set a usage event aside', 'msg-req-1'],
    ]);
  });

  test('no records, no call', async () => {
    const { send, calls } = scriptedSend();
    expect(await syncToLago([], setup(send).deps)).toEqual({ batchItemFailures: [] });
    expect(calls).toEqual([]);
  });
});

describe('syncToLago with the Lago client and the fake Lago', () => {
  let lago: FakeLago;
  beforeAll(async () => {
    lago = await startFakeLago();
  });
  afterAll(async () => lago.close());

  const sender = () => createLagoSender({ baseUrl: lago.url, apiKey: FAKE_LAGO_KEY });

  test('an event delivered in two syncs (an SQS redelivery) is billed once', async () => {
    // Prepare
    const { deps, counters } = setup(sender());
    const requestsBefore = lago.requests.length;

    // Act
    const first = await syncToLago([record('dup-a'), record('dup-b')], deps);
    const second = await syncToLago([record('dup-b', {}, 'msg-dup-b-again'), record('dup-c')], deps);

    // Assess
    expect(failedIds(first)).toEqual([]);
    expect(failedIds(second)).toEqual([]);
    expect(['dup-a', 'dup-b', 'dup-c'].map((id) => lago.events.get(id)?.transaction_id)).toEqual(['dup-a', 'dup-b', 'dup-c']);
    const batches = lago.requests
      .slice(requestsBefore)
      .map((request) => (request.body.events as Array<{ transaction_id: string }>).map((event) => event.transaction_id));
    expect(batches).toEqual([['dup-a', 'dup-b'], ['dup-b', 'dup-c'], ['dup-c']]);
    expect(counters.snapshot()).toEqual({ 'lago.duplicates': 1, 'lago.sent': 3 });
  });

  test('what Lago bills: subscription, code, timestamp and properties of the usage event', async () => {
    // Prepare
    const { deps } = setup(sender());

    // Act
    await syncToLago([record('billed-1', { costMicros: 42, lagoSubscriptionId: 'sub_z' })], deps);

    // Assess
    expect(lago.events.get('billed-1')).toMatchObject({
      external_subscription_id: 'sub_z',
      code: 'llm_usage',
      timestamp: Math.floor(Date.parse(usageDetail().timestamp) / 1000),
      properties: { cost_usd: '0.000042', input_tokens: 120, output_tokens: 30, model: 'mock-small' },
    });
  });

  test('a rate limit with a reset beyond maxWaitMs returns the batch; a short one is waited for', async () => {
    // Prepare: the fake's x-ratelimit-reset is 1 second.
    lago.enqueue({ kind: 'error', status: 429 });
    const { deps: impatient } = setup(sender(), { maxWaitMs: 500 });
    lago.enqueue({ kind: 'error', status: 429, headers: { 'x-ratelimit-reset': '0' } });
    const { deps: patient } = setup(sender());

    // Act
    const returned = await syncToLago([record('rl-1')], impatient);
    const delivered = await syncToLago([record('rl-2')], patient);

    // Assess
    expect(failedIds(returned)).toEqual(['msg-rl-1']);
    expect(lago.events.has('rl-1')).toBe(false);
    expect(failedIds(delivered)).toEqual([]);
    expect(lago.events.has('rl-2')).toBe(true);
  });

  test('events Lago refuses as invalid are set aside with its field errors', async () => {
    // Prepare: a blank event code is mandatory in Lago.
    const { deps, setAsideCalls } = setup(sender(), { eventCode: ' ' });

    // Act
    const result = await syncToLago([record('bad-1'), record('bad-2')], deps);

    // Assess
    expect(failedIds(result)).toEqual([]);
    expect(setAsideCalls).toEqual([
      ['msg-bad-1', 'lago_rejected: {"code":["value_is_mandatory"]}'],
      ['msg-bad-2', 'lago_rejected: {"code":["value_is_mandatory"]}'],
    ]);
    expect(lago.events.has('bad-1')).toBe(false);
  });

  test('Lago down (5xx on every try) returns the batch to the queue', async () => {
    // Prepare
    lago.setBehavior({ kind: 'error', status: 503 });
    const { deps } = setup(sender());

    // Act
    const result = await syncToLago([record('down-1')], deps).finally(() => lago.setBehavior({ kind: 'normal' }));

    // Assess
    expect(failedIds(result)).toEqual(['msg-down-1']);
    expect(lago.events.has('down-1')).toBe(false);
  });
});
