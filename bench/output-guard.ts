import type { ChatCompletionChunk } from '#shared/api/chat-response.ts';
import { type GuardrailPolicy, guardrailPolicySchema } from '#shared/config/guardrails-schema.ts';
import { type CompiledPolicy, compilePolicy } from '#shared/guardrails/compiled-policy.ts';
import { createOutputGuard } from '#shared/guardrails/output-guard.ts';
import type { StreamEvent } from '#shared/providers/types.ts';

// The streaming output guard on many small chunks: ordinary prose, and the two shapes whose
// detection has no end in sight (a PEM block without its END line, an unbounded `sk-` run), which
// used to make every chunk rescan everything held back. Chunks per second, the longest time one
// chunk held the event loop, and the chunk at which the client got the mask: a guard that holds a
// value back until it ends sends nothing until the end of the stream.

const CHUNK_CHARS = 16;

export interface OutputGuardFigures {
  name: string;
  chunks: number;
  chunkChars: number;
  ms: number;
  chunksPerSecond: number;
  /** The source chunk being read when the guard first sent a mask (`[REDACTED_…]`) to the client (1-based). */
  firstMaskAtChunk: number | undefined;
  /** The longest time one chunk held the event loop (what a concurrent request would wait). */
  longestStepMs: number;
}

/** Deterministic key-like text: mixed case and digits, as generated keys are. */
const keyText = (chars: number): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; out.length < chars; i++) out += alphabet[(i * 7919 + 13) % alphabet.length];
  return out;
};

const proseText = (chars: number): string => {
  const words = 'the router streams each answer through the output guard while the client reads it'.split(' ');
  let out = '';
  for (let i = 0; out.length < chars; i++) out += `${words[(i * 7) % words.length]} `;
  return out.slice(0, chars);
};

/** Base64 lines of 64 characters, as a PEM body is written. */
const pemBody = (chars: number): string => (keyText(chars).match(/.{1,64}/g) ?? []).join('\n');

const scenarios = (chunks: number): Array<{ name: string; text: string }> => {
  const chars = chunks * CHUNK_CHARS;
  return [
    { name: 'ordinary prose', text: proseText(chars) },
    { name: 'an unbounded sk- run', text: `Here it is: sk-${keyText(chars)}`.slice(0, chars) },
    {
      name: 'a PEM block without END',
      // Assembled from pieces so that secret scanners do not flag this repository.
      text: `Here it is:\n${['-----BEGIN ', 'PRIVATE KEY-----'].join('')}\n${pemBody(chars)}`.slice(0, chars),
    },
  ];
};

const chunkOf = (content: string | undefined, finish: 'stop' | null = null): StreamEvent => ({
  type: 'chunk',
  chunk: {
    id: 'bench',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'bench',
    choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: finish }],
  } satisfies ChatCompletionChunk,
});

/** Each scenario `runs` times; the median run by time is reported. */
export const measureOutputGuard = async (chunks = 16_000, runs = 3): Promise<OutputGuardFigures[]> => {
  const policy = guardrailPolicySchema.parse({
    output: { pii: { email: 'redact', phone: 'redact', payment_card: 'redact', ip_address: 'redact', secret: 'redact' } },
  });
  const chosen = { policy, compiled: compilePolicy(policy) };
  const figures: OutputGuardFigures[] = [];
  for (const { name, text } of scenarios(chunks)) {
    const measured: OutputGuardFigures[] = [];
    for (let run = 0; run < runs; run++) measured.push(await streamOnce(name, text, chosen));
    measured.sort((a, b) => a.ms - b.ms);
    const median = measured[Math.floor(measured.length / 2)];
    if (median) figures.push(median);
  }
  return figures;
};

/** One stream through a fresh guard, timed, with the longest time one chunk held the event loop. */
const streamOnce = async (
  name: string,
  text: string,
  policy: { policy: GuardrailPolicy; compiled: CompiledPolicy },
): Promise<OutputGuardFigures> => {
  const guard = createOutputGuard({ policy, jsonContent: false, onActions: () => {} });
  if (!guard) throw new Error('the bench policy must create an output guard');
  let read = 0;
  async function* source(): AsyncGenerator<StreamEvent> {
    for (let offset = 0; offset < text.length; offset += CHUNK_CHARS) {
      read += 1;
      yield chunkOf(text.slice(offset, offset + CHUNK_CHARS));
    }
    yield chunkOf(undefined, 'stop');
  }
  let firstMaskAtChunk: number | undefined;
  let longestStepMs = 0;
  const started = performance.now();
  let stepStarted = started;
  for await (const event of guard.stream(source())) {
    const now = performance.now();
    longestStepMs = Math.max(longestStepMs, now - stepStarted);
    stepStarted = now;
    if (firstMaskAtChunk !== undefined || event.type !== 'chunk') continue;
    if (event.chunk.choices.some((choice) => choice.delta.content?.includes('[REDACTED_'))) firstMaskAtChunk = read;
  }
  const ms = performance.now() - started;
  return {
    name,
    chunks: read,
    chunkChars: CHUNK_CHARS,
    ms,
    chunksPerSecond: (read / ms) * 1000,
    firstMaskAtChunk,
    longestStepMs,
  };
};

// Run alone: `node bench/output-guard.ts [chunks] [runs]`.
if (import.meta.main) {
  for (const row of await measureOutputGuard(Number(process.argv[2] ?? 16_000), Number(process.argv[3] ?? 3))) {
    console.log(
      `${row.name}: ${row.chunks} chunks of ${row.chunkChars} characters in ${row.ms.toFixed(0)} ms, ${Math.round(row.chunksPerSecond).toLocaleString('en-US')} chunks/s, longest step ${row.longestStepMs.toFixed(1)} ms, first mask at chunk ${row.firstMaskAtChunk ?? '-'}`,
    );
  }
}
