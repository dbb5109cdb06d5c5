import { requestedMaxTokens } from '../api/chat-request.ts';
import type { PiiKind } from '../config/guardrails-schema.ts';
import { DEFAULT_GUARDRAIL_POLICY } from '../config/guardrails-schema.ts';
import { InvalidRequestError, RouterError } from '../errors.ts';
import { compilePolicy } from '../guardrails/compiled-policy.ts';
import { detect } from '../guardrails/detectors.ts';
import { detectInjection } from '../guardrails/injection.ts';
import { mapMessageText, mapToolCallArguments, messageTexts, toolCallArguments } from '../guardrails/message-text.ts';
import { normalizeText } from '../guardrails/normalize.ts';
import { PlaceholderState, redact } from '../guardrails/redaction.ts';
import { selectPolicy } from '../guardrails/select-policy.ts';
import type { GuardrailAction, RouterMiddleware } from '../http/request-state.ts';
import type { RouterRuntime } from '../runtime.ts';

/** A request the content policy refuses: 400, with the reason code and never the matched text. */
export class ContentPolicyError extends RouterError {
  constructor(reason: string, stage: 'input' | 'output') {
    super(
      400,
      'invalid_request_error',
      `The ${stage === 'input' ? 'request' : 'response'} was blocked by the router's content policy (${reason}).`,
      {
        code: 'content_policy',
        param: reason,
        headers: { 'x-router-guardrail': `block:${reason}` },
      },
    );
  }
}

/**
 * Input guardrails for inference routes, per the policy chosen for the key/tenant/route:
 * normalization that keeps meaning, size limits, a max_tokens cap, the target's context window,
 * deny lists and prompt-injection heuristics (block or flag), and personal data and secrets
 * (redact with stable placeholders, block, or allow). Every decision is recorded as a reason code
 * for the usage event, logs and metrics; the matched text is never recorded anywhere.
 */
export const guardInput = (runtime: Pick<RouterRuntime, 'config'>): RouterMiddleware => {
  // Deny lists, role sets and PII kinds are worked out once per policy, at cold start, not per request.
  const compiledPolicies = new Map(
    Object.entries(runtime.config.guardrails.policies).map(([name, policy]) => [name, compilePolicy(policy)]),
  );
  // selectPolicy's fallback when the config names no usable policy.
  const compiledDefault = compilePolicy(DEFAULT_GUARDRAIL_POLICY);

  return {
    before: (request) => {
      const { state } = request.context;
      const chat = state.chat;
      const decision = state.decision;
      if (!chat || !decision || state.principal?.kind !== 'key') return;
      const key = state.principal.key;
      const { name, policy } = selectPolicy(runtime.config.guardrails, {
        keyPolicy: key.guardrailPolicy,
        tenant: key.tenant,
        path: state.route?.path ?? '',
      });
      const compiled = compiledPolicies.get(name) ?? compiledDefault;
      const actions: GuardrailAction[] = [];
      state.guardrails = actions;
      state.guardrailPolicy = { name, policy, compiled };

      if (chat.messages.length > policy.maxMessages) {
        throw new InvalidRequestError(`Too many messages: ${chat.messages.length}; the limit is ${policy.maxMessages}.`, {
          param: 'messages',
          code: 'too_many_messages',
        });
      }
      let messages = chat.messages;
      let toolsChanged: typeof chat.tools | undefined;
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
      // Each message's texts, read once for the size limit, the deny list and the injection check.
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
        state.responseHeaders['x-router-max-tokens'] = String(maxTokens);
      }
      const needed = decision.features.promptTokens + (maxTokens ?? 0);
      if (needed > decision.model.contextWindow) {
        throw new InvalidRequestError(
          `This request needs about ${needed} tokens (${decision.features.promptTokens} prompt + ${maxTokens ?? 0} output); model '${decision.model.id}' has a context window of ${decision.model.contextWindow}.`,
          { param: 'messages', code: 'context_length_exceeded' },
        );
      }

      // The deny list reads everything that is sent: every role, tool-call arguments, tool definitions.
      const everything = [
        ...texts.flat(),
        ...messages.flatMap(toolCallArguments),
        ...(chat.tools ?? []).map((tool) => tool.function.description ?? ''),
      ];
      const denied = compiled.denyInput(everything.join('\n'));
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

      const kinds = compiled.inputPiiKinds;
      if (kinds.length > 0) {
        const placeholders = new PlaceholderState();
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
        messages = messages.map((message) => mapToolCallArguments(mapMessageText(message, guard), guard));
        const tools = chat.tools?.map((tool) => {
          const description = tool.function.description;
          const guarded = description === undefined ? undefined : guard(description);
          return guarded === description ? tool : { ...tool, function: { ...tool.function, description: guarded } };
        });
        if (tools?.some((tool, index) => tool !== chat.tools?.[index])) toolsChanged = tools;
        for (const [kind, count] of Object.entries(counts))
          actions.push({ action: 'redact', stage: 'input', code: `pii.${kind}`, count });
        if (policy.input.restoreRedacted && Object.keys(counts).length > 0) state.placeholders = placeholders;
      }

      if (messages !== chat.messages || maxTokens !== requested || toolsChanged) {
        state.chat = {
          ...chat,
          messages,
          ...(toolsChanged ? { tools: toolsChanged } : {}),
          ...(maxTokens !== requested
            ? chat.max_completion_tokens != null
              ? { max_completion_tokens: maxTokens }
              : { max_tokens: maxTokens }
            : {}),
        };
      }
      if (actions.length > 0)
        state.responseHeaders['x-router-guardrails'] = actions.map((action) => `${action.action}:${action.code}`).join(', ');
      state.guardrailsPassed = true;
    },
  };
};
