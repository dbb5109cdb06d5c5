import type { GuardrailPolicy, PiiKind } from '../config/guardrails-schema.ts';
import { piiKinds } from '../config/guardrails-schema.ts';
import { compileDenyList, type DenyListMatcher } from './deny-list.ts';

/** What a guardrail policy needs per request, worked out once per policy at cold start. */
export interface CompiledPolicy {
  readonly denyInput: DenyListMatcher;
  /** Undefined when the policy has no output deny list, so unguarded answers pay nothing. */
  readonly denyOutput: DenyListMatcher | undefined;
  readonly injectionRoles: ReadonlySet<string>;
  /** The kinds of personal data the policy acts on (not `allow`), in detection order. */
  readonly inputPiiKinds: readonly PiiKind[];
  readonly outputPiiKinds: readonly PiiKind[];
}

export const compilePolicy = (policy: GuardrailPolicy): CompiledPolicy => ({
  denyInput: compileDenyList(policy.input.denyList),
  denyOutput: policy.output.denyList.length > 0 ? compileDenyList(policy.output.denyList) : undefined,
  injectionRoles: new Set(policy.input.injectionRoles),
  inputPiiKinds: piiKinds.filter((kind) => (policy.input.pii[kind] ?? 'allow') !== 'allow'),
  outputPiiKinds: piiKinds.filter((kind) => (policy.output.pii[kind] ?? 'allow') !== 'allow'),
});
