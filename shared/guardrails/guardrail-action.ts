/** One guardrail decision: `redact`, `block`, `flag` or `normalize`, on the input or the output, with a reason code. */
export interface GuardrailAction {
  action: 'redact' | 'block' | 'flag' | 'normalize';
  stage: 'input' | 'output';
  code: string;
  count?: number;
}

/** `redact:pii.email, flag:injection.role_play`: the header and log form. */
export const formatActions = (actions: readonly GuardrailAction[]): string[] =>
  actions.map((action) => `${action.action}:${action.code}`);
