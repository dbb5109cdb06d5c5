import { describe, expect, test } from 'vitest';
import { toLagoEvent } from '#shared/billing/lago-event.ts';
import { failedDetail, usageDetail } from '#test/unit/shared/events/usage-detail.ts';

describe('toLagoEvent', () => {
  test('maps a usage event to a Lago event: request id as transaction id, request time in Unix seconds', () => {
    // Prepare
    const detail = usageDetail({
      requestId: 'req-abc',
      timestamp: '2026-03-14T15:09:26.999Z',
      lagoSubscriptionId: 'sub_acme',
      keyId: 'key_9',
      servedModel: 'mock-large',
      provider: 'openai',
      routing: { tier: 'complex' },
      usage: { promptTokens: 1_200, completionTokens: 345, cachedTokens: 200 },
      costMicros: 1_234_567,
      priceVersion: 'pv-1',
    });

    // Act
    const event = toLagoEvent(detail, 'llm_usage');

    // Assess
    expect(event).toEqual({
      transaction_id: 'req-abc',
      external_subscription_id: 'sub_acme',
      code: 'llm_usage',
      timestamp: 1_773_500_966,
      properties: {
        model: 'mock-large',
        provider: 'openai',
        tier: 'complex',
        input_tokens: 1_200,
        output_tokens: 345,
        cached_tokens: 200,
        total_tokens: 1_545,
        cost_usd: '1.234567',
        key_id: 'key_9',
        price_version: 'pv-1',
      },
    });
    expect(event?.timestamp).toBe(Math.floor(Date.parse('2026-03-14T15:09:26.999Z') / 1000));
  });

  test.each([
    { costMicros: 0, usd: '0.000000' },
    { costMicros: 1, usd: '0.000001' },
    { costMicros: 999_999, usd: '0.999999' },
    { costMicros: 1_000_000, usd: '1.000000' },
    { costMicros: 12_345_678_901, usd: '12345.678901' },
  ])('$costMicros micro-dollars are $usd USD', ({ costMicros, usd }) => {
    expect(toLagoEvent(usageDetail({ costMicros }), 'llm_usage')?.properties.cost_usd).toBe(usd);
  });

  test('a request without served model, provider or tier names the requested model and "none"', () => {
    // Prepare
    const detail = failedDetail({ requestedModel: 'auto', routing: { tier: undefined } });

    // Act
    const event = toLagoEvent(detail, 'llm_usage');

    // Assess
    expect(event?.properties).toMatchObject({ model: 'auto', provider: 'none', tier: 'none', total_tokens: 0 });
  });

  test('the same usage event always gives the same Lago event (a resend is the same transaction)', () => {
    const detail = usageDetail();
    expect(toLagoEvent(structuredClone(detail), 'llm_usage')).toEqual(toLagoEvent(detail, 'llm_usage'));
  });

  test.each([
    { name: 'absent', subscription: undefined },
    { name: 'empty', subscription: '' },
  ])('no Lago event without a subscription ($name)', ({ subscription }) => {
    const { lagoSubscriptionId: _subscription, ...unbilled } = usageDetail();
    expect(toLagoEvent(subscription === undefined ? unbilled : { ...unbilled, lagoSubscriptionId: subscription }, 'x')).toBe(
      undefined,
    );
  });
});
