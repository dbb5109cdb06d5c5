/** The request log line: what an operator needs to follow a request, never its text (unless asked). */
export interface RequestSummary {
  requestId: string;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  tenant?: string;
  keyId?: string;
  requestedModel?: string;
  model?: string;
  provider?: string;
  tier?: string;
  reason?: string;
  attempts?: number;
  fallback?: boolean;
  promptTokens?: number;
  completionTokens?: number;
  cachedTokens?: number;
  estimatedUsage?: boolean;
  costMicros?: number;
  timeToFirstTokenMs?: number;
  stream?: boolean;
  errorCode?: string;
  streamError?: string;
  guardrails?: string[];
  /** Only with `observability.logPrompts`: the last user message, cut to 500 characters. */
  prompt?: string;
}
