import { describe, expect, test } from 'vitest';
import { buildUsageEvent, type UsageEventContext } from '#functions/router/build-usage-event.ts';
import { newRequestState, type Outcome, type RequestState } from '#functions/router/http/request-state.ts';
import { routes } from '#functions/router/routes.ts';
import { type ChatRequest, chatRequestSchema } from '#shared/api/chat-request.ts';
import { parseConfig } from '#shared/config/load-config.ts';
import {
  DETAIL_TYPE_COMPLETED,
  DETAIL_TYPE_FAILED,
  detailTypeOf,
  type UsageEventDetail,
  usageEventDetailSchema,
} from '#shared/events/usage-event.ts';
import type { KeyRecord } from '#shared/keys/key-record.ts';
import type { AttemptRecord } from '#shared/resilience/run-with-fallback.ts';
import { createModelRouter, type RouteDecision } from '#shared/routing/model-router.ts';

const router = createModelRouter(
  parseConfig({
    models: [
      { id: 'small', provider: 'mock', tier: 'simple', pricing: { inputPerMTok: 0.1, outputPerMTok: 0.4 } },
      { id: 'large', provider: 'mock', tier: 'complex', pricing: { inputPerMTok: 3, outputPerMTok: 15 } },
    ],
    aliases: { auto: { strategy: 'complexity' } },
  }),
);

const RECEIVED_AT = new Date('2026-03-14T15:09:26.535Z');
const STARTED_AT = 1_000;
const NOW = 1_250.4;
const BODY = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
const context: UsageEventContext = { priceVersion: 'price-v1' };

const keyRecord = (overrides: Partial<KeyRecord> = {}): KeyRecord => ({
  id: 'key_1',
  tenant: 'acme',
  name: 'default',
  status: 'active',
  hint: 'sk-ir-xxxx...xxxx',
  createdAt: '2025-01-01T00:00:00.000Z',
  ...overrides,
});

const chatRequest = (overrides: Record<string, unknown> = {}): ChatRequest =>
  chatRequestSchema.parse({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], ...overrides });

const decisionFor = (request: ChatRequest, overrides: Partial<RouteDecision> = {}): RouteDecision => ({
  ...router.decide({ request }),
  tier: 'simple',
  score: 0.12,
  reason: 'complexity',
  ...overrides,
});

const attempt = (model: string, outcome: AttemptRecord['outcome'], durationMs: number, extra: Partial<AttemptRecord> = {}) => ({
  model,
  provider: 'mock',
  outcome,
  durationMs,
  ...extra,
});

const servedOutcome = (overrides: Partial<Outcome> = {}): Outcome => ({
  modelId: 'small',
  provider: 'mock',
  usage: { promptTokens: 12, completionTokens: 30, cachedTokens: 4, estimated: false },
  costMicros: 13,
  premiumCostMicros: 486,
  stream: false,
  responseBytes: 512,
  ...overrides,
});

/** A request that got through authentication and body parsing, as the middlewares leave it. */
const requestState = (overrides: Partial<RequestState> = {}): RequestState => {
  const state = newRequestState(
    { method: 'POST', path: '/v1/chat/completions', headers: {}, query: {}, body: BODY },
    'req-42',
    RECEIVED_AT,
  );
  const chat = chatRequest();
  return Object.assign(state, {
    startedAt: STARTED_AT,
    route: routes.find((route) => route.path === '/v1/chat/completions'),
    principal: { kind: 'key', key: keyRecord() },
    chat,
    ...overrides,
  });
};

/** A request served by `small` on the first try. */
const servedState = (overrides: Partial<RequestState> = {}): RequestState => {
  const state = requestState();
  return Object.assign(state, {
    decision: decisionFor(state.chat ?? chatRequest()),
    attempts: [attempt('small', 'ok', 180)],
    outcome: servedOutcome(),
    statusCode: 200,
    ...overrides,
  });
};

const build = (state: RequestState, eventContext: UsageEventContext = context): UsageEventDetail | undefined =>
  buildUsageEvent(state, eventContext, NOW);

describe('buildUsageEvent: who is billable', () => {
  test.each<{ name: string; state: RequestState }>([
    { name: 'no principal (authentication failed)', state: requestState({ principal: undefined }) },
    { name: 'the admin key', state: requestState({ principal: { kind: 'admin' } }) },
    { name: 'no chat request (body refused)', state: requestState({ chat: undefined }) },
    { name: 'no matched route', state: requestState({ route: undefined }) },
  ])('no event for $name', ({ state }) => {
    expect(build(state)).toBeUndefined();
  });
});

describe('buildUsageEvent: the event', () => {
  test('a served request is a complete inference.completed event', () => {
    // Act
    const detail = build(servedState());

    // Assess
    expect(detail).toEqual({
      version: 1,
      requestId: 'req-42',
      timestamp: '2026-03-14T15:09:26.535Z',
      tenant: 'acme',
      keyId: 'key_1',
      endpoint: '/v1/chat/completions',
      requestedModel: 'auto',
      servedModel: 'small',
      provider: 'mock',
      routing: {
        tier: 'simple',
        score: 0.12,
        reason: 'complexity',
        attempts: 1,
        fallbacks: 0,
        tried: [{ model: 'small', provider: 'mock', outcome: 'ok', durationMs: 180 }],
      },
      usage: { promptTokens: 12, completionTokens: 30, cachedTokens: 4, estimated: false },
      costMicros: 13,
      premiumCostMicros: 486,
      priceVersion: 'price-v1',
      latency: { totalMs: 250, upstreamMs: 180 },
      status: 200,
      requestBytes: Buffer.byteLength(BODY),
      responseBytes: 512,
      stream: false,
    });
    expect(detailTypeOf(detail ?? { status: 0 })).toBe(DETAIL_TYPE_COMPLETED);
  });

  test('a request refused before routing is an inference.failed event without usage, cost or upstream time', () => {
    // Act
    const detail = build(requestState({ statusCode: 429, errorCode: 'rate_limit_exceeded' }));

    // Assess
    expect(detail).toEqual({
      version: 1,
      requestId: 'req-42',
      timestamp: '2026-03-14T15:09:26.535Z',
      tenant: 'acme',
      keyId: 'key_1',
      endpoint: '/v1/chat/completions',
      requestedModel: 'auto',
      routing: { attempts: 0, fallbacks: 0, tried: [] },
      usage: { promptTokens: 0, completionTokens: 0, cachedTokens: 0, estimated: false },
      costMicros: 0,
      premiumCostMicros: 0,
      priceVersion: 'price-v1',
      latency: { totalMs: 250 },
      status: 429,
      errorCode: 'rate_limit_exceeded',
      requestBytes: Buffer.byteLength(BODY),
      stream: false,
    });
    expect(detailTypeOf(detail ?? { status: 0 })).toBe(DETAIL_TYPE_FAILED);
  });

  test.each<{ name: string; statusCode: number | undefined }>([
    { name: 'an error status', statusCode: 502 },
    { name: 'no status (the handler threw before answering)', statusCode: undefined },
  ])('an outcome with $name is failed: no served model, status 500 when unknown', ({ statusCode }) => {
    // Act
    const detail = build(servedState({ statusCode, errorCode: 'upstream_error' }));

    // Assess
    expect(detail?.servedModel).toBeUndefined();
    expect(detail?.provider).toBeUndefined();
    expect(detail?.status).toBe(statusCode ?? 500);
    expect(detailTypeOf(detail ?? { status: 0 })).toBe(DETAIL_TYPE_FAILED);
  });

  test('fallbacks count the distinct models that failed; retries on one model count once', () => {
    // Prepare
    const attempts = [
      attempt('small', 'error', 100, { status: 502, code: 'upstream_error' }),
      attempt('small', 'error', 110, { status: 502, code: 'upstream_error' }),
      attempt('medium', 'error', 50, { status: 504, code: 'deadline_exceeded' }),
      attempt('large', 'ok', 300),
    ];

    // Act
    const detail = build(servedState({ attempts, outcome: servedOutcome({ modelId: 'large' }) }));

    // Assess
    expect(detail?.routing).toMatchObject({ attempts: 4, fallbacks: 2 });
    expect(detail?.routing.tried).toEqual(attempts);
    expect(detail?.servedModel).toBe('large');
    expect(detail?.latency.upstreamMs).toBe(560);
  });

  test('skipped attempts (open circuits) are listed but are neither attempts, fallbacks nor upstream time', () => {
    // Prepare
    const attempts = [attempt('small', 'skipped', 0.2), attempt('medium', 'skipped', 0.3), attempt('large', 'ok', 240)];

    // Act
    const detail = build(servedState({ attempts }));

    // Assess
    expect(detail?.routing).toMatchObject({ attempts: 1, fallbacks: 0 });
    expect(detail?.routing.tried.map((tried) => tried.outcome)).toEqual(['skipped', 'skipped', 'ok']);
    expect(detail?.latency.upstreamMs).toBe(240);
  });

  test('every model skipped: no attempts and no upstream time', () => {
    // Act
    const detail = build(
      requestState({
        attempts: [attempt('small', 'skipped', 0), attempt('large', 'skipped', 0)],
        statusCode: 503,
        errorCode: 'circuit_open',
      }),
    );

    // Assess
    expect(detail?.routing).toEqual({
      attempts: 0,
      fallbacks: 0,
      tried: [attempt('small', 'skipped', 0), attempt('large', 'skipped', 0)],
    });
    expect(detail?.latency).toEqual({ totalMs: 250 });
  });

  test('the attempts are copied: later changes to the state do not reach the event', () => {
    // Prepare
    const state = servedState();
    const detail = build(state);

    // Act
    const first = state.attempts?.[0];
    if (first) first.outcome = 'error';

    // Assess
    expect(detail?.routing.tried[0]?.outcome).toBe('ok');
  });

  test.each<{ name: string; key?: string; tenant?: string; expected: string | undefined }>([
    { name: "the key's subscription wins over the tenant's", key: 'sub_key', tenant: 'sub_tenant', expected: 'sub_key' },
    { name: "the tenant's subscription when the key has none", tenant: 'sub_tenant', expected: 'sub_tenant' },
    { name: 'the key alone', key: 'sub_key', expected: 'sub_key' },
    { name: 'none at all: the field is absent', expected: undefined },
  ])('$name', ({ key, tenant, expected }) => {
    // Prepare
    const state = servedState({ principal: { kind: 'key', key: keyRecord(key ? { lagoSubscriptionId: key } : {}) } });

    // Act
    const detail = build(state, { priceVersion: 'price-v1', tenantSubscription: tenant });

    // Assess
    expect(detail?.lagoSubscriptionId).toBe(expected);
    expect(detail !== undefined && Object.hasOwn(detail, 'lagoSubscriptionId')).toBe(expected !== undefined);
  });

  test('a rule decision names the rule', () => {
    // Prepare
    const state = servedState();
    state.decision = decisionFor(state.chat ?? chatRequest(), { reason: 'rule code-to-large', rule: 'code-to-large' });

    // Act
    const detail = build(state);

    // Assess
    expect(detail?.routing).toMatchObject({ reason: 'rule code-to-large', rule: 'code-to-large' });
  });

  test('a stream that failed after its first byte is still completed (the client saw a 200) and carries the error', () => {
    // Prepare
    const state = servedState({
      chat: chatRequest({ stream: true }),
      outcome: servedOutcome({ stream: true, streamError: 'upstream closed', timeToFirstTokenMs: 85, responseBytes: 2048 }),
    });

    // Act
    const detail = build(state);

    // Assess
    expect(detail).toMatchObject({
      stream: true,
      streamError: 'upstream closed',
      responseBytes: 2048,
      latency: { totalMs: 250, upstreamMs: 180, timeToFirstTokenMs: 85 },
    });
    expect(detailTypeOf(detail ?? { status: 0 })).toBe(DETAIL_TYPE_COMPLETED);
  });

  test('a served outcome without usage reports zero tokens', () => {
    // Act
    const { usage: _usage, costMicros: _cost, premiumCostMicros: _premium, ...bare } = servedOutcome();
    const detail = build(servedState({ outcome: bare }));

    // Assess
    expect(detail).toMatchObject({
      usage: { promptTokens: 0, completionTokens: 0, cachedTokens: 0, estimated: false },
      costMicros: 0,
      premiumCostMicros: 0,
    });
  });

  test.each<{ name: string; state: () => RequestState; eventContext?: UsageEventContext }>([
    { name: 'served', state: () => servedState() },
    { name: 'refused', state: () => requestState({ statusCode: 401, errorCode: 'invalid_api_key' }) },
    {
      name: 'failed over',
      state: () =>
        servedState({
          attempts: [attempt('small', 'error', 20, { status: 429 }), attempt('small', 'skipped', 0), attempt('large', 'ok', 9)],
        }),
    },
    {
      name: 'streamed with an error',
      state: () =>
        servedState({
          chat: chatRequest({ stream: true }),
          outcome: servedOutcome({ stream: true, streamError: 'x', timeToFirstTokenMs: 0 }),
        }),
    },
    {
      name: 'no decision score',
      state: () => {
        const state = servedState();
        state.decision = decisionFor(state.chat ?? chatRequest(), { score: null });
        return state;
      },
    },
    {
      name: 'with a subscription',
      state: () => servedState({ principal: { kind: 'key', key: keyRecord({ lagoSubscriptionId: 'sub_1' }) } }),
      eventContext: { priceVersion: 'p', tenantSubscription: 'sub_2' },
    },
    { name: 'without a body', state: () => requestState({ requestBytes: 0, statusCode: 400 }) },
  ])('the $name event passes the published schema unchanged', ({ state, eventContext }) => {
    // Act
    const detail = build(state(), eventContext);

    // Assess
    const parsed = usageEventDetailSchema.safeParse(detail);
    expect(parsed.error?.issues).toBeUndefined();
    expect(parsed.data).toEqual(detail);
  });
});

describe('detailTypeOf', () => {
  test.each([
    { status: 200, servedModel: 'small', type: DETAIL_TYPE_COMPLETED },
    { status: 399, servedModel: 'small', type: DETAIL_TYPE_COMPLETED },
    // A served answer refused by the output policy (400) was still produced, and is billed.
    { status: 400, servedModel: 'small', type: DETAIL_TYPE_COMPLETED },
    { status: 200, servedModel: undefined, type: DETAIL_TYPE_FAILED },
    { status: 503, servedModel: undefined, type: DETAIL_TYPE_FAILED },
  ])('status $status, served model $servedModel: $type', ({ status, servedModel, type }) => {
    expect(detailTypeOf({ status, servedModel })).toBe(type);
  });
});

test('an answer the output policy refused (400 content_policy) was produced: served, with its usage', () => {
  const detail = build(servedState({ statusCode: 400, errorCode: 'content_policy' }));
  expect(detail?.servedModel).toBeDefined();
  expect(detail?.usage.completionTokens).toBeGreaterThan(0);
  expect(detailTypeOf(detail ?? { status: 0 })).toBe(DETAIL_TYPE_COMPLETED);
});
