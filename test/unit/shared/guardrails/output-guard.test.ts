import { describe, expect, test } from 'vitest';
import type { ChatCompletionChunk } from '#shared/api/chat-response.ts';
import { guardrailPolicySchema } from '#shared/config/guardrails-schema.ts';
import { compilePolicy } from '#shared/guardrails/compiled-policy.ts';
import type { GuardrailAction } from '#shared/guardrails/guardrail-action.ts';
import { createOutputGuard, type OutputGuardInput } from '#shared/guardrails/output-guard.ts';
import { PlaceholderState } from '#shared/guardrails/redaction.ts';
import type { StreamEvent } from '#shared/providers/types.ts';

const stateWith = (
  output: Record<string, unknown>,
  placeholders?: PlaceholderState,
): OutputGuardInput & { guardrails: GuardrailAction[] } => {
  const policy = guardrailPolicySchema.parse({ output });
  const guardrails: GuardrailAction[] = [];
  return {
    policy: { policy, compiled: compilePolicy(policy) },
    placeholders,
    jsonContent: false,
    guardrails,
    onActions: (actions) => {
      guardrails.push(...actions);
    },
  };
};

const chunk = (
  content: string | undefined,
  finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null,
): StreamEvent => ({
  type: 'chunk',
  chunk: {
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: finish }],
  },
});

async function* source(events: StreamEvent[]): AsyncGenerator<StreamEvent> {
  yield* events;
}

const collect = async (events: AsyncGenerator<StreamEvent>): Promise<string> => {
  let text = '';
  for await (const event of events)
    if (event.type === 'chunk') for (const choice of event.chunk.choices) text += choice.delta.content ?? '';
  return text;
};

describe('createOutputGuard', () => {
  test('nothing to do means no guard at all (unguarded requests pay nothing)', () => {
    expect(createOutputGuard(stateWith({}))).toBeUndefined();
  });

  test.each([1, 2, 3, 7, 64, 1000])(
    'a value split into %i-character chunks is masked whole, never leaked in pieces',
    async (size) => {
      // Prepare
      const text = 'Reach me at jane.doe@example.com or at 10.1.2.3 today, thanks!';
      const pieces = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
      const guard = createOutputGuard(stateWith({ pii: { email: 'redact', ip_address: 'redact' } }));

      // Act
      const out = await collect(
        guard?.stream(source([...pieces.map((piece) => chunk(piece)), chunk(undefined, 'stop')])) ?? source([]),
      );

      // Assess
      expect(out).toBe('Reach me at [REDACTED_EMAIL] or at [REDACTED_IP_ADDRESS] today, thanks!');
    },
  );

  test('held-back text still goes out when the stream ends with only a usage event', async () => {
    const guard = createOutputGuard(stateWith({ pii: { email: 'redact' } }));
    const usage: StreamEvent = {
      type: 'usage',
      usage: { promptTokens: 1, completionTokens: 1, cachedTokens: 0, estimated: false },
    };
    expect(await collect(guard?.stream(source([chunk('short answer'), usage])) ?? source([]))).toBe('short answer');
  });

  test('a blocked kind in a stream throws content_policy', async () => {
    const guard = createOutputGuard(stateWith({ pii: { payment_card: 'block' } }));
    await expect(
      collect(guard?.stream(source([chunk('card 4111 1111 1111 1111'), chunk(undefined, 'stop')])) ?? source([])),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'content_policy',
      param: 'pii.payment_card',
    });
  });

  test.each([
    { name: 'right after the refused chunk', filler: 0, billed: true },
    { name: 'a few chunks later', filler: 5, billed: true },
    { name: 'only after a long rest of the answer', filler: 50, billed: false },
  ])('a refusal passes on the upstream usage when it comes $name, then refuses', async ({ filler, billed }) => {
    // Prepare
    const guard = createOutputGuard(stateWith({ pii: { payment_card: 'block' } }));
    const usage: StreamEvent = {
      type: 'usage',
      usage: { promptTokens: 9, completionTokens: 900, cachedTokens: 0, estimated: false },
    };
    const events = [
      chunk('card 4111 1111 1111 1111'),
      ...Array.from({ length: filler }, () => chunk(' more')),
      chunk(undefined, 'stop'),
      usage,
    ];
    const seen: StreamEvent[] = [];

    // Act
    const run = async () => {
      for await (const event of guard?.stream(source(events)) ?? source([])) seen.push(event);
    };

    // Assess
    await expect(run()).rejects.toMatchObject({ code: 'content_policy' });
    expect(seen.filter((event) => event.type === 'usage')).toEqual(billed ? [usage] : []);
    expect(seen.some((event) => event.type === 'chunk' && JSON.stringify(event).includes('4111'))).toBe(false);
  });

  test('input placeholders are restored in the answer, split or not', async () => {
    // Prepare
    const placeholders = new PlaceholderState();
    const placeholder = placeholders.placeholderFor('email', 'ops@example.org');
    const guard = createOutputGuard(stateWith({}, placeholders));

    // Act
    const out = await collect(
      guard?.stream(
        source([chunk(`mail ${placeholder.slice(0, 3)}`), chunk(`${placeholder.slice(3)} now`), chunk(undefined, 'stop')]),
      ) ?? source([]),
    );

    // Assess
    expect(out).toBe('mail ops@example.org now');
  });

  test.each([1, 3, 16])('a disguised value split into %i-character chunks is masked whole', async (size) => {
    // Prepare: a fullwidth @ and an SSN spaced around its dashes.
    const text = 'Write to jane\uff20example.com, SSN 123 - 45 - 6789, today.';
    const pieces = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'gu')) ?? [];
    const guard = createOutputGuard(stateWith({ pii: { email: 'redact', national_id: 'redact' } }));

    // Act
    const out = await collect(
      guard?.stream(source([...pieces.map((piece) => chunk(piece)), chunk(undefined, 'stop')])) ?? source([]),
    );

    // Assess
    expect(out).toBe('Write to [REDACTED_EMAIL], SSN [REDACTED_NATIONAL_ID], today.');
  });

  test('an output deny-listed phrase with a look-alike letter is blocked', async () => {
    // Prepare: a Cyrillic "е" in "zebra".
    const guard = createOutputGuard(stateWith({ denyList: ['codename zebra'], denyAction: 'block' }));

    // Act
    const outcome = collect(guard?.stream(source([chunk('it is codename z\u0435bra'), chunk(undefined, 'stop')])) ?? source([]));

    // Assess
    await expect(outcome).rejects.toMatchObject({ code: 'content_policy', param: 'deny:0' });
  });
});
