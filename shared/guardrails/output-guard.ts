import type { ChatCompletion } from '../api/chat-response.ts';
import type { GuardrailPolicy } from '../config/guardrails-schema.ts';
import { ContentPolicyError } from '../errors.ts';
import type { StreamEvent } from '../providers/types.ts';
import type { CompiledPolicy } from './compiled-policy.ts';
import type { GuardrailAction } from './guardrail-action.ts';
import { createStreamRestorer, jsonEscape, type PlaceholderState, restore } from './redaction.ts';
import { continuationOf, type Detection, type DetectorKind, detect } from './sensitive-data.ts';

/**
 * Streams are checked on a sliding window: this much text is held back so a value split across
 * chunks (an e-mail, an IBAN with spaces) is seen whole before anything of it is sent.
 */
const HOLD_BACK = 64;

/**
 * A detected value that reaches the end of the window is held back whole, up to this length.
 * Longer (a PEM block or key without end in sight) it is masked at once and the rest of it is
 * dropped as it streams, matched against the way such a value goes on: the text held back, and
 * the text scanned per chunk, stay bounded, so a stream costs time linear in its length.
 */
const LONGEST_HELD_VALUE = 1_024;

const maskOf = (kind: DetectorKind): string => `[REDACTED_${kind.toUpperCase()}]`;

const mask = (text: string, detections: readonly Detection[]): string => {
  let out = '';
  let at = 0;
  for (const detection of detections) {
    out += `${text.slice(at, detection.start)}${maskOf(detection.kind)}`;
    at = detection.end;
  }
  return out + text.slice(at);
};

/** One choice of a stream, as the output checks see it. */
interface ChoiceText {
  /** Text not yet sent: the held-back tail. */
  pending: string;
  /** The tail of what was sent, so a deny-listed phrase across a release boundary is still seen. */
  sentTail: string;
  /** While a value too long to hold back is being masked: how its text goes on (sticky). */
  continuation: RegExp | undefined;
}

/** Events read past a refusal to find the upstream's usage, when the answer was about to end anyway. */
const USAGE_LOOKAHEAD = 8;

export interface OutputGuard {
  /** A complete answer: checked, masked, placeholders restored. Throws ContentPolicyError on a block. */
  completion(completion: ChatCompletion): ChatCompletion;
  /** A stream: the same, chunk by chunk, holding back only a short tail. */
  stream(events: AsyncIterator<StreamEvent>): AsyncGenerator<StreamEvent>;
}

export interface OutputGuardInput {
  /** The policy the input checks chose, if any. */
  policy?: { policy: GuardrailPolicy; compiled: CompiledPolicy } | undefined;
  /** Input values the input checks replaced, to put back into the answer. */
  placeholders?: PlaceholderState | undefined;
  /** The answer is JSON (JSON mode or a schema): restored values are JSON-escaped to keep it valid. */
  jsonContent: boolean;
  /** Receives what the output checks did, once, when the answer or stream is done. */
  onActions: (actions: GuardrailAction[]) => void;
}

/**
 * Output guardrails (the policy's `output` section) and the restoring of input placeholders, or
 * undefined when neither applies, so unguarded requests pay nothing.
 */
export const createOutputGuard = (input: OutputGuardInput): OutputGuard | undefined => {
  const chosen = input.policy;
  const placeholders = input.placeholders;
  const kinds = chosen?.compiled.outputPiiKinds ?? [];
  const deny = chosen?.compiled.denyOutput;
  if (!placeholders && kinds.length === 0 && !deny) return undefined;
  const policy = chosen?.policy;
  const counts = new Map<string, number>();
  const flagged = new Set<string>();
  const record = (): void => {
    input.onActions([
      ...[...counts].map(([code, count]): GuardrailAction => ({ action: 'redact', stage: 'output', code, count })),
      ...[...flagged].map((code): GuardrailAction => ({ action: 'flag', stage: 'output', code })),
    ]);
  };

  // Values put back inside JSON (JSON mode, tool arguments) must be escaped to keep it valid.
  const contentEscape = input.jsonContent ? jsonEscape : undefined;

  /** Applies the output deny list to `text` (for streams: what was sent lately plus what is pending). */
  const checkDeny = (text: string): void => {
    if (deny) {
      const matched = deny(text);
      if (matched.length > 0) {
        if (policy?.output.denyAction === 'block') throw new ContentPolicyError(matched[0] ?? 'deny', 'output');
        for (const code of matched) flagged.add(code);
      }
    }
  };

  /** Counts one masked value, or throws when its kind is blocked. */
  const recordMasked = (kind: DetectorKind): void => {
    if (policy?.output.pii[kind] === 'block') throw new ContentPolicyError(`pii.${kind}`, 'output');
    counts.set(`pii.${kind}`, (counts.get(`pii.${kind}`) ?? 0) + 1);
  };

  /** Masks personal data in one piece of model output (before placeholders are restored). */
  const check = (text: string, withDeny = true): string => {
    if (withDeny) checkDeny(text);
    if (kinds.length === 0) return text;
    const detections = detect(text, kinds);
    const blocked = detections.find((detection) => policy?.output.pii[detection.kind] === 'block');
    if (blocked) throw new ContentPolicyError(`pii.${blocked.kind}`, 'output');
    for (const detection of detections) recordMasked(detection.kind);
    return mask(text, detections);
  };

  return {
    completion(completion) {
      const choices = completion.choices.map((choice) => {
        const content = choice.message.content;
        const message = { ...choice.message };
        if (typeof content === 'string') {
          const checked = check(content);
          message.content = placeholders ? restore(checked, placeholders, contentEscape) : checked;
        }
        if (message.tool_calls) {
          message.tool_calls = message.tool_calls.map((call) => {
            const checked = check(call.function.arguments);
            return {
              ...call,
              function: { ...call.function, arguments: placeholders ? restore(checked, placeholders, jsonEscape) : checked },
            };
          });
        }
        return { ...choice, message };
      });
      record();
      return { ...completion, choices };
    },

    async *stream(events) {
      // Per choice: the text not yet sent, and a restorer per choice and tool call for split placeholders.
      const choices = new Map<number, ChoiceText>();
      const choiceOf = (index: number): ChoiceText => {
        let choice = choices.get(index);
        if (!choice) {
          choice = { pending: '', sentTail: '', continuation: undefined };
          choices.set(index, choice);
        }
        return choice;
      };
      const restorers = new Map<string, ReturnType<typeof createStreamRestorer>>();
      const restorerOf = (key: string, escapeValue?: (value: string) => string) => {
        let restorer = restorers.get(key);
        if (!restorer && placeholders) {
          restorer = createStreamRestorer(placeholders, escapeValue);
          restorers.set(key, restorer);
        }
        return restorer;
      };
      const send = (index: number, checked: string, final: boolean): string => {
        const restorer = restorerOf(`content:${index}`, contentEscape);
        if (!restorer) return checked;
        return restorer.push(checked) + (final ? restorer.flush() : '');
      };
      /**
       * What of a choice's pending text can go out now. Each call scans only the pending text,
       * which stays under LONGEST_HELD_VALUE plus a chunk: never the whole answer so far.
       */
      const release = (index: number, final: boolean): string => {
        const choice = choiceOf(index);
        let text = choice.pending;
        if (choice.continuation) {
          // Inside a value already masked: drop what continues it, and keep the window's tail
          // back, since the value may still go on (or end with a line still arriving).
          const windowEnd = final ? text.length : Math.max(0, text.length - HOLD_BACK);
          choice.continuation.lastIndex = 0;
          const valueEnd = choice.continuation.exec(text)?.[0].length ?? 0;
          if (!final && valueEnd >= windowEnd) {
            choice.pending = text.slice(windowEnd);
            return '';
          }
          text = text.slice(valueEnd);
          choice.continuation = undefined;
        }
        let cut = final ? text.length : Math.max(0, text.length - HOLD_BACK);
        let keepFrom = cut;
        let masked = '';
        if (!final && kinds.length > 0) {
          // Never cut through a value: hold back from the start of one that reaches the cut.
          const reaching = detect(text, kinds).find((detection) => detection.start < cut && detection.end > cut);
          if (reaching && text.length - reaching.start <= LONGEST_HELD_VALUE) {
            cut = reaching.start;
            keepFrom = cut;
          } else if (reaching) {
            // Too long to hold back: masked now, its rest dropped as it arrives (see above).
            recordMasked(reaching.kind);
            masked = maskOf(reaching.kind);
            choice.continuation = continuationOf(reaching.kind, text.slice(reaching.start, reaching.start + 32));
            cut = reaching.start;
          }
        }
        // The deny list sees the sent tail and all pending text before any of it goes out.
        checkDeny(choice.sentTail + text);
        choice.pending = text.slice(keepFrom);
        const released = text.slice(0, cut);
        choice.sentTail = (choice.sentTail + released + masked).slice(-HOLD_BACK);
        return send(index, (cut > 0 ? check(released, false) : '') + masked, final);
      };
      let template: StreamEvent | undefined;
      try {
        for (;;) {
          const next = await events.next();
          if (next.done) break;
          const event = next.value;
          if (event.type !== 'chunk') {
            // The usage event ends a stream: whatever is still held back goes out before it.
            const last: StreamEvent[] = [];
            if (template?.type === 'chunk') {
              try {
                for (const index of [...choices.keys()]) {
                  const rest = release(index, true);
                  choices.delete(index);
                  if (rest)
                    last.push({
                      type: 'chunk',
                      chunk: { ...template.chunk, choices: [{ index, delta: { content: rest }, finish_reason: null }] },
                    });
                }
              } catch (refusal) {
                // Refused at its very end: the held-back text is not sent, but the usage the upstream
                // reported (reasoning included) is what the answer cost, and it is billed.
                yield event;
                throw refusal;
              }
            }
            yield* last;
            yield event;
            continue;
          }
          template = event;
          const guard = () =>
            event.chunk.choices.map((choice) => {
              const content = choice.delta.content;
              const final = choice.finish_reason !== null;
              // Tool-call arguments: placeholders restored (JSON-escaped) as they stream by.
              const toolCalls = choice.delta.tool_calls?.map((call) => {
                const args = call.function?.arguments;
                const restorer = args === undefined ? undefined : restorerOf(`tool:${choice.index}:${call.index}`, jsonEscape);
                return restorer && args !== undefined
                  ? { ...call, function: { ...call.function, arguments: restorer.push(args) + (final ? restorer.flush() : '') } }
                  : call;
              });
              let delta = toolCalls ? { ...choice.delta, tool_calls: toolCalls } : choice.delta;
              if (final) {
                // Arguments still held back (a possible placeholder start) go out with the last chunk.
                const rest = [...restorers.entries()]
                  .filter(
                    ([key]) =>
                      key.startsWith(`tool:${choice.index}:`) &&
                      !toolCalls?.some((call) => key === `tool:${choice.index}:${call.index}`),
                  )
                  .map(([key, restorer]) => ({ index: Number(key.split(':')[2]), function: { arguments: restorer.flush() } }))
                  .filter((call) => call.function.arguments !== '');
                if (rest.length > 0) delta = { ...delta, tool_calls: [...(delta.tool_calls ?? []), ...rest] };
              }
              if (typeof content === 'string') choiceOf(choice.index).pending += content;
              if (typeof content !== 'string' && !final) return { ...choice, delta };
              const released = release(choice.index, final);
              if (final) choices.delete(choice.index);
              return { ...choice, delta: { ...delta, content: released } };
            });
          let guarded: ReturnType<typeof guard>;
          try {
            guarded = guard();
          } catch (refusal) {
            // Refused near its end (a phrase is caught as soon as it is complete, usually in the last
            // words): the upstream's usage may be a few events away and is what the answer cost
            // (reasoning included), so those few are read and the usage passed on to be billed. Past
            // them the upstream is stopped and its output estimated, as for a cut.
            for (let read = 0; read < USAGE_LOOKAHEAD; read++) {
              const next = await events.next();
              if (next.done) break;
              if (next.value.type !== 'chunk') {
                yield next.value;
                break;
              }
            }
            throw refusal;
          }
          yield { type: 'chunk', chunk: { ...event.chunk, choices: guarded } };
        }
      } finally {
        record();
        await events.return?.();
      }
    },
  };
};
