import { type ChatRequest, requestedMaxTokens } from '../api/chat-request.ts';
import type { GuardrailPolicy, PiiKind } from '../config/guardrails-schema.ts';
import { ContentPolicyError, InvalidRequestError } from '../errors.ts';
import type { CompiledPolicy } from './compiled-policy.ts';
import type { GuardrailAction } from './guardrail-action.ts';
import { detectInjection } from './injection.ts';
import { mapMessageText, messageTexts } from './message-text.ts';
import { normalizeText } from './normalize.ts';
import { PlaceholderState, redact } from './redaction.ts';
import { forwardedStrings, mapForwardedStrings } from './request-strings.ts';
import { detect } from './sensitive-data.ts';

/** What the input checks need of the routing decision: the prompt's size and the target's window. */
export interface GuardedTarget {
  features: { promptTokens: number };
  model: { id: string; contextWindow: number };
}

export interface InputGuardResult {
  /** The request to send: normalized, redacted, `max_tokens` capped (the same object when nothing changed). */
  chat: ChatRequest;
  /** Reason codes only, never the matched text. */
  actions: GuardrailAction[];
  /** Input values replaced by placeholders, to put back into the answer (when the policy restores them). */
  placeholders?: PlaceholderState;
  /** The output cap the policy imposed, when it lowered or set one. */
  cappedMaxTokens?: number;
}

/**
 * Input guardrails of one policy over one chat request: normalization that keeps meaning, size
 * limits, a max_tokens cap, the target's context window, deny lists and prompt-injection
 * heuristics (block or flag), and personal data and secrets (redact with stable placeholders,
 * block, or allow). Deny lists and personal data read every string the upstream can receive
 * (request-strings.ts), on the text and on a folded copy (fold.ts). A block throws
 * (ContentPolicyError, or InvalidRequestError for limits).
 */
export const guardInput = (
  chat: ChatRequest,
  target: GuardedTarget,
  policy: GuardrailPolicy,
  compiled: CompiledPolicy,
): InputGuardResult => {
  const actions: GuardrailAction[] = [];
  if (chat.messages.length > policy.maxMessages) {
    throw new InvalidRequestError(`Too many messages: ${chat.messages.length}; the limit is ${policy.maxMessages}.`, {
      param: 'messages',
      code: 'too_many_messages',
    });
  }
  let messages = chat.messages;
  if (policy.normalize) {
    let normalized = 0;
    messages = messages.map((message) =>
      mapMessageText(message, (text) => {
        const result = normalizeText(text);
        if (result.changed) normalized += 1;
        return result.text;
      }),
    );
    if (normalized > 0) actions.push({ action: 'normalize', stage: 'input', code: 'normalized', count: normalized });
  }
  // Each message's texts, read once for the size limit and the injection check.
  const texts = messages.map(messageTexts);
  texts.forEach((ofMessage, index) => {
    for (const text of ofMessage) {
      if (text.length > policy.maxMessageChars) {
        throw new InvalidRequestError(
          `messages[${index}] has ${text.length} characters; the limit is ${policy.maxMessageChars}.`,
          {
            param: `messages[${index}].content`,
            code: 'message_too_long',
          },
        );
      }
    }
  });

  const requested = requestedMaxTokens(chat);
  let maxTokens = requested;
  if (policy.maxOutputTokens !== undefined && (requested === undefined || requested > policy.maxOutputTokens)) {
    maxTokens = policy.maxOutputTokens;
    if (requested !== undefined) actions.push({ action: 'flag', stage: 'input', code: 'max_tokens_capped' });
  }
  const needed = target.features.promptTokens + (maxTokens ?? 0);
  if (needed > target.model.contextWindow) {
    throw new InvalidRequestError(
      `This request needs about ${needed} tokens (${target.features.promptTokens} prompt + ${maxTokens ?? 0} output); model '${target.model.id}' has a context window of ${target.model.contextWindow}.`,
      { param: 'messages', code: 'context_length_exceeded' },
    );
  }

  // Unchanged messages keep the original array, so a clean request passes as the same object.
  let request = messages.some((message, index) => message !== chat.messages[index]) ? { ...chat, messages } : chat;

  // The deny list reads everything that is sent: every role, names, tool calls and definitions,
  // schemas, stop sequences, `user`, image URLs and fields the router does not know.
  const sent = forwardedStrings(request);
  const denied = compiled.denyInput(sent);
  if (denied.length > 0) {
    if (policy.input.denyAction === 'block') throw new ContentPolicyError(denied[0] ?? 'deny', 'input');
    for (const code of denied) actions.push({ action: 'flag', stage: 'input', code });
  }
  if (policy.input.injection !== 'off') {
    const untrusted = messages.flatMap((message, index) =>
      compiled.injectionRoles.has(message.role) ? (texts[index] ?? []) : [],
    );
    const findings = [...new Set(untrusted.flatMap((text) => detectInjection(text).map((finding) => finding.code)))];
    if (findings.length > 0) {
      if (policy.input.injection === 'block') throw new ContentPolicyError(`injection.${findings[0]}`, 'input');
      for (const code of findings) actions.push({ action: 'flag', stage: 'input', code: `injection.${code}` });
    }
  }

  let restorable: PlaceholderState | undefined;
  const kinds = compiled.inputPiiKinds;
  if (kinds.length > 0) {
    const placeholders = new PlaceholderState();
    // Placeholder-shaped text anywhere in the request (`[EMAIL_1]` typed by the user) is never
    // given to a value: restoring the answer would turn the user's text into that value.
    for (const text of sent) placeholders.reserveLiterals(text);
    const counts: Partial<Record<PiiKind, number>> = {};
    const guard = (text: string): string => {
      const detections = detect(text, kinds);
      if (detections.length === 0) return text;
      const blocked = detections.find((detection) => policy.input.pii[detection.kind] === 'block');
      if (blocked) throw new ContentPolicyError(`pii.${blocked.kind}`, 'input');
      const result = redact(text, detections, placeholders);
      for (const [kind, count] of Object.entries(result.counts))
        counts[kind as PiiKind] = (counts[kind as PiiKind] ?? 0) + (count ?? 0);
      return result.text;
    };
    // Placeholders carry no quote or backslash, so they are safe inside the JSON of tool arguments.
    request = mapForwardedStrings(request, guard);
    for (const [kind, count] of Object.entries(counts))
      actions.push({ action: 'redact', stage: 'input', code: `pii.${kind}`, count });
    if (policy.input.restoreRedacted && Object.keys(counts).length > 0) restorable = placeholders;
  }

  const capped = maxTokens !== requested;
  const guarded = capped
    ? {
        ...request,
        ...(request.max_completion_tokens != null ? { max_completion_tokens: maxTokens } : { max_tokens: maxTokens }),
      }
    : request;
  return {
    chat: guarded,
    actions,
    ...(restorable ? { placeholders: restorable } : {}),
    ...(maxTokens !== undefined && maxTokens !== requested ? { cappedMaxTokens: maxTokens } : {}),
  };
};
