import type { ChatCompletion } from '../api/chat-response.ts';
import type { GuardrailPolicy } from '../config/guardrails-schema.ts';
import { ContentPolicyError } from '../errors.ts';
import type { StreamEvent } from '../providers/types.ts';
import type { CompiledPolicy } from './compiled-policy.ts';
import type { GuardrailAction } from './guardrail-action.ts';
import { createStreamRestorer, jsonEscape, type PlaceholderState, restore } from './redaction.ts';
import { type Detection, detect } from './sensitive-data.ts';

/**
 * Streams are checked on a sliding window: this much text is held back so a value split across
 * chunks (an e-mail, an IBAN with spaces) is seen whole before anything of it is sent.
 */
const HOLD_BACK = 64;

const mask = (text: string, detections: readonly Detection[]): string => {
  let out = '';
  let at = 0;
  for (const detection of detections) {
    out += `${text.slice(at, detection.start)}[REDACTED_${detection.kind.toUpperCase()}]`;
    at = detection.end;
  }
  return out + text.slice(at);
};

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

  /** Masks personal data in one piece of model output (before placeholders are restored). */
  const check = (text: string, withDeny = true): string => {
    if (withDeny) checkDeny(text);
    if (kinds.length === 0) return text;
    const detections = detect(text, kinds);
    const blocked = detections.find((detection) => policy?.output.pii[detection.kind] === 'block');
    if (blocked) throw new ContentPolicyError(`pii.${blocked.kind}`, 'output');
    for (const detection of detections) counts.set(`pii.${detection.kind}`, (counts.get(`pii.${detection.kind}`) ?? 0) + 1);
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
      // Per choice: text not yet sent (the held-back tail) and a restorer for split placeholders.
      const pending = new Map<number, string>();
      // The tail of what was sent, so a deny-listed phrase across a release boundary is still seen.
      const sentTails = new Map<number, string>();
      const restorers = new Map<string, ReturnType<typeof createStreamRestorer>>();
      const restorerOf = (key: string, escapeValue?: (value: string) => string) => {
        let restorer = restorers.get(key);
        if (!restorer && placeholders) {
          restorer = createStreamRestorer(placeholders, escapeValue);
          restorers.set(key, restorer);
        }
        return restorer;
      };
      const release = (index: number, final: boolean): string => {
        const text = pending.get(index) ?? '';
        let cut = final ? text.length : Math.max(0, text.length - HOLD_BACK);
        if (!final && kinds.length > 0) {
          // Never cut through a value: hold back from the start of one that reaches the cut.
          for (const detection of detect(text, kinds)) if (detection.start < cut && detection.end > cut) cut = detection.start;
        }
        pending.set(index, text.slice(cut));
        // The deny list sees the sent tail and all pending text before any of it goes out.
        checkDeny((sentTails.get(index) ?? '') + text);
        const released = text.slice(0, cut);
        sentTails.set(index, ((sentTails.get(index) ?? '') + released).slice(-HOLD_BACK));
        const checked = cut > 0 ? check(released, false) : '';
        const restorer = restorerOf(`content:${index}`, contentEscape);
        if (!restorer) return checked;
        return restorer.push(checked) + (final ? restorer.flush() : '');
      };
      let template: StreamEvent | undefined;
      try {
        for (;;) {
          const next = await events.next();
          if (next.done) break;
          const event = next.value;
          if (event.type !== 'chunk') {
            // The usage event ends a stream: whatever is still held back goes out before it.
            if (template?.type === 'chunk') {
              for (const index of [...pending.keys()]) {
                const rest = release(index, true);
                pending.delete(index);
                if (rest)
                  yield {
                    type: 'chunk',
                    chunk: { ...template.chunk, choices: [{ index, delta: { content: rest }, finish_reason: null }] },
                  };
              }
            }
            yield event;
            continue;
          }
          template = event;
          const choices = event.chunk.choices.map((choice) => {
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
            if (typeof content === 'string') pending.set(choice.index, (pending.get(choice.index) ?? '') + content);
            if (typeof content !== 'string' && !final) return { ...choice, delta };
            const released = release(choice.index, final);
            if (final) pending.delete(choice.index);
            return { ...choice, delta: { ...delta, content: released } };
          });
          yield { type: 'chunk', chunk: { ...event.chunk, choices } };
        }
      } finally {
        record();
        await events.return?.();
      }
    },
  };
};
