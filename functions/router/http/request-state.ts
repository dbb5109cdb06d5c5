import type { Readable } from 'node:stream';
import type { ChatRequest } from '#shared/api/chat-request.ts';
import type { Usage } from '#shared/api/chat-response.ts';
import type { GuardrailPolicy } from '#shared/config/guardrails-schema.ts';
import type { CompiledPolicy } from '#shared/guardrails/compiled-policy.ts';
import type { GuardrailAction } from '#shared/guardrails/guardrail-action.ts';
import type { PlaceholderState } from '#shared/guardrails/redaction.ts';
import type { KeyRecord } from '#shared/keys/key-record.ts';
import type { Admission } from '#shared/limits/admission.ts';
import type { AttemptRecord } from '#shared/resilience/run-with-fallback.ts';
import type { RouteDecision } from '#shared/routing/model-router.ts';
import type { HttpRequest } from './types.ts';

/** The endpoint a request matched (the route table's entry, with its handler, is in route-spec.ts). */
export interface Endpoint {
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH' | 'OPTIONS';
  /** `/admin/keys/{id}` style; `{name}` segments become path params. */
  path: string;
  auth: 'none' | 'key' | 'admin';
}

/** Who is calling: a client API key, or the operator's admin key. */
export type Principal = { kind: 'key'; key: KeyRecord } | { kind: 'admin' };

/** What the provider call produced, filled in as it happens (streams update it until the last byte). */
export interface Outcome {
  modelId: string;
  provider: string;
  usage?: Usage;
  costMicros?: number;
  /** What the same usage would have cost on the premium model: the baseline for savings. */
  premiumCostMicros?: number;
  stream: boolean;
  /** Set when a stream failed after the first byte (the client saw a 200 and an SSE error event). */
  streamError?: string;
  responseBytes?: number;
  timeToFirstTokenMs?: number;
}

/** Everything the middlewares learn about one request, in the order the stack learns it. */
export interface RequestState {
  requestId: string;
  /** `performance.now()` when the request entered the handler. */
  startedAt: number;
  receivedAt: Date;
  http: HttpRequest;
  requestBytes: number;
  /** `x-router-dry-run: 1`: show the routing decision, call no model. */
  dryRun: boolean;
  route?: Endpoint;
  pathParams: Record<string, string>;
  body?: unknown;
  /** The chat request an inference route serves (also built for `/route-inference`). */
  chat?: ChatRequest;
  principal?: Principal;
  decision?: RouteDecision;
  /** The rate-limit windows this request holds a reservation in. */
  admission?: Admission;
  /** A refusal after authentication was counted against the per-minute windows. */
  countedRefusal?: boolean;
  /** Every try at every model, in order (retries and fallbacks included). */
  attempts?: AttemptRecord[];
  outcome?: Outcome;
  statusCode?: number;
  errorCode?: string;
  /** What the guardrails did (reason codes only, never the matched text). */
  guardrails?: GuardrailAction[];
  /** Set once the input guardrails passed (the chat request is then the redacted one). */
  guardrailsPassed?: boolean;
  /** The guardrail policy chosen for this request, for the output checks. */
  guardrailPolicy?: { name: string; policy: GuardrailPolicy; compiled: CompiledPolicy };
  /** Input values replaced by placeholders, to be put back into the answer. */
  placeholders?: PlaceholderState;
  /** Headers any middleware wants on the response (x-router-*, rate limits). */
  responseHeaders: Record<string, string>;
  /**
   * A streamed answer's body, once the handler returned it. A client gone before the first byte
   * leaves it unread (Node's pipeline refuses a closed destination without closing the source), so
   * it is closed after the response: its hang-up accounting runs and the upstream call stops.
   */
  responseBody?: Readable;
  /** Work to do after the last byte reached the client (usage events, reconciliation), run concurrently. */
  afterResponse: Array<() => Promise<void> | void>;
  /** Work that reports on the rest (the log line, metrics): runs once `afterResponse` is done. */
  afterAll: Array<() => Promise<void> | void>;
}

export const newRequestState = (http: HttpRequest, requestId: string, now = new Date()): RequestState => ({
  requestId,
  startedAt: performance.now(),
  receivedAt: now,
  http,
  requestBytes: http.body === undefined ? 0 : Buffer.byteLength(http.body),
  dryRun: http.headers['x-router-dry-run'] === '1' || http.headers['x-router-dry-run'] === 'true',
  pathParams: {},
  responseHeaders: {},
  afterResponse: [],
  afterAll: [],
});

/** The client key calling, when a client key (not the admin key, not nobody) is calling. */
export const clientKey = (state: Pick<RequestState, 'principal'>): KeyRecord | undefined =>
  state.principal?.kind === 'key' ? state.principal.key : undefined;

/** The upstream calls made: attempts skipped (open breaker, no capability) reached no upstream. */
export const upstreamCalls = (state: RequestState): AttemptRecord[] =>
  state.attempts?.filter((attempt) => attempt.outcome !== 'skipped') ?? [];

/** The model that answered, else the one routing chose (for headers and logs of failed requests). */
export const servingModel = (state: RequestState): { id: string; provider: string } | undefined => {
  if (state.outcome) return { id: state.outcome.modelId, provider: state.outcome.provider };
  return state.decision ? { id: state.decision.model.id, provider: state.decision.model.provider } : undefined;
};

/** A model other than the routing decision's answered. */
export const servedByFallback = (state: RequestState): boolean =>
  state.outcome !== undefined && state.decision !== undefined && state.outcome.modelId !== state.decision.model.id;
