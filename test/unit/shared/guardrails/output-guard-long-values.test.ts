import { beforeEach, describe, expect, test, vi } from 'vitest';
import type { ChatCompletionChunk } from '#shared/api/chat-response.ts';
import { guardrailPolicySchema } from '#shared/config/guardrails-schema.ts';
import { compilePolicy } from '#shared/guardrails/compiled-policy.ts';
import type { GuardrailAction } from '#shared/guardrails/guardrail-action.ts';
import { createOutputGuard } from '#shared/guardrails/output-guard.ts';
import type { StreamEvent } from '#shared/providers/types.ts';

// A stream whose detection has no end in sight (a PEM block without its END line, an unbounded
// key) used to make every chunk rescan everything held back: quadratic work, and nothing sent
// until the end. The detectors are counted here (characters scanned), not timed: the work per
// extra chunk must stay small, and the mask must reach the client long before the stream ends.

const scanned = vi.hoisted(() => ({ characters: 0 }));
vi.mock('#shared/guardrails/sensitive-data.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('#shared/guardrails/sensitive-data.ts')>();
  return {
    ...original,
    detect: (text: string, kinds: Parameters<typeof original.detect>[1]) => {
      scanned.characters += text.length;
      return original.detect(text, kinds);
    },
  };
});

const CHUNK = 16;
// Assembled from pieces so that secret scanners do not flag this repository for fake keys.
const KEY_PREFIX = ['sk', 'proj', ''].join('-');
const PEM_BEGIN = ['-----BEGIN ', 'PRIVATE KEY-----'].join('');
const PEM_END = ['-----END ', 'PRIVATE KEY-----'].join('');

/** Key-like text: mixed case and digits, as generated keys are. */
const keyText = (chars: number): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; out.length < chars; i++) out += alphabet[(i * 7919 + 13) % alphabet.length];
  return out;
};

const pemBody = (chars: number): string => (keyText(chars).match(/.{1,64}/g) ?? []).join('\n');

const chunkOf = (content: string | undefined, finish: 'stop' | null = null): StreamEvent => ({
  type: 'chunk',
  chunk: {
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: finish }],
  } satisfies ChatCompletionChunk,
});

interface Run {
  text: string;
  /** For each piece of text sent, how many source chunks had been read when it went out. */
  sent: Array<{ text: string; afterChunks: number }>;
  chunks: number;
  actions: GuardrailAction[];
}

/** Streams `text` in CHUNK-character chunks through an output guard that redacts secrets. */
const stream = async (text: string, secret: 'redact' | 'block' = 'redact'): Promise<Run> => {
  const policy = guardrailPolicySchema.parse({ output: { pii: { secret, email: 'redact' } } });
  const actions: GuardrailAction[] = [];
  const guard = createOutputGuard({
    policy: { policy, compiled: compilePolicy(policy) },
    jsonContent: false,
    onActions: (recorded) => actions.push(...recorded),
  });
  let read = 0;
  async function* source(): AsyncGenerator<StreamEvent> {
    for (let offset = 0; offset < text.length; offset += CHUNK) {
      read += 1;
      yield chunkOf(text.slice(offset, offset + CHUNK));
    }
    yield chunkOf(undefined, 'stop');
  }
  const sent: Run['sent'] = [];
  for await (const event of guard?.stream(source()) ?? source()) {
    if (event.type !== 'chunk') continue;
    const content = event.chunk.choices.map((choice) => choice.delta.content ?? '').join('');
    if (content !== '') sent.push({ text: content, afterChunks: read });
  }
  return { text: sent.map((piece) => piece.text).join(''), sent, chunks: read, actions };
};

const keyAnswer = (keyChars: number, after = ''): string => `Your key: ${KEY_PREFIX}${keyText(keyChars)}${after}`;

beforeEach(() => {
  scanned.characters = 0;
});

describe('a stream with a value longer than the hold-back', () => {
  test.each([
    { name: 'an unbounded key', answer: (chars: number) => keyAnswer(chars) },
    { name: 'a PEM block without its END line', answer: (chars: number) => `Here:\n${PEM_BEGIN}\n${pemBody(chars)}` },
  ])('$name costs the detectors a bounded amount per extra chunk', async ({ answer }) => {
    // Prepare: the same shape at two lengths.
    const short = answer(1_000 * CHUNK);
    const long = answer(3_000 * CHUNK);

    // Act
    const shortRun = await stream(short);
    const shortScanned = scanned.characters;
    scanned.characters = 0;
    const longRun = await stream(long);
    const longScanned = scanned.characters;

    // Assess: rescanning what is held back would add the whole answer so far per chunk (tens of
    // thousands of characters by the end); a bounded tail adds a few hundred at most.
    const perExtraChunk = (longScanned - shortScanned) / (longRun.chunks - shortRun.chunks);
    expect(perExtraChunk).toBeLessThan(1_000);
    expect(longRun.text).toMatch(/^(Your key: |Here:\n)\[REDACTED_SECRET\]$/);
  });

  test('masks the value as soon as it is too long to hold, long before the stream ends, and sends what follows', async () => {
    // Prepare: a 32,000-character key, then a sentence and an e-mail address.
    const answer = keyAnswer(2_000 * CHUNK, ' and that is all. Mail ops@example.org for another one, thanks.');

    // Act
    const run = await stream(answer);

    // Assess
    expect(run.text).toBe('Your key: [REDACTED_SECRET] and that is all. Mail [REDACTED_EMAIL] for another one, thanks.');
    const mask = run.sent.find((piece) => piece.text.includes('[REDACTED_SECRET]'));
    expect(mask?.afterChunks).toBeLessThan(run.chunks / 10);
    expect(run.actions).toEqual([
      { action: 'redact', stage: 'output', code: 'pii.secret', count: 1 },
      { action: 'redact', stage: 'output', code: 'pii.email', count: 1 },
    ]);
    expect(run.text).not.toContain(keyText(40));
  });

  test('a PEM block that ends is masked whole, END line included, and the text after it goes out', async () => {
    // Act
    const run = await stream(`Here:\n${PEM_BEGIN}\n${pemBody(200 * CHUNK)}\n${PEM_END}\nKeep it safe.`);

    // Assess
    expect(run.text).toBe('Here:\n[REDACTED_SECRET]\nKeep it safe.');
  });

  test('a blocked kind stops the stream as soon as the value is too long to hold', async () => {
    // Act
    const outcome = stream(keyAnswer(2_000 * CHUNK), 'block');

    // Assess
    await expect(outcome).rejects.toMatchObject({ code: 'content_policy', param: 'pii.secret' });
    expect(scanned.characters).toBeLessThan(200_000);
  });
});
