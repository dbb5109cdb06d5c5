// What the console reads from the router's API. Key records come from the server's own schema
// (type-only: nothing of shared/ ends up in the bundle); the rest mirrors the handlers' JSON.

import type { KeyRecord } from '#shared/keys/key-record.ts';

export type { CreateKeyRequest, KeyRecord, UpdateKeyRequest } from '#shared/keys/key-record.ts';

export type GroupBy = 'day' | 'model' | 'key' | 'none';

export interface UsageTotals {
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost_usd: number;
  premium_cost_usd: number;
  savings_usd: number;
}

/** `GET /admin/usage` and `GET /v1/usage`: one row per group, named by the group_by field. */
export interface UsageReport {
  object: 'usage';
  tenant: string;
  from: string;
  to: string;
  group_by: GroupBy;
  data: Array<UsageTotals & { day?: string; model?: string; key?: string }>;
  total: UsageTotals;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface ModelStats {
  model: string;
  requests: number;
  errors: number;
  fallbacks: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  latencyMs: { p50: number; p99: number };
  timeToFirstTokenMs?: { p50: number; p99: number } | null;
}

/** `GET /admin/stats`: this instance only. */
export interface InstanceStats {
  instance: { uptimeSeconds: number; memoryMb: number };
  counters: Record<string, number>;
  keyCache: { hits: number; misses: number; hitRate: number | null };
  breakers: Record<string, BreakerState>;
  recent: { windowSeconds: number; requests: number; statuses: Record<string, number>; models: ModelStats[] };
}

/** `x-router-dry-run: 1` on `POST /v1/chat/completions`. */
export interface RoutingDecision {
  object: 'router.decision';
  requested: string;
  model: string;
  provider: string;
  tier: string;
  score: number | null;
  scorer?: string;
  reason: string;
  rule?: string;
  fallbacks: string[];
  features: Record<string, unknown>;
}

export interface KeyList {
  object: 'list';
  data: KeyRecord[];
  has_more: boolean;
  next?: string;
}

/** Who signed in: the operator (admin key) or a tenant's API key (read-only, its own usage). */
export interface Session {
  role: 'admin' | 'tenant';
  key: string;
  /** A tenant key's tenant, from its first usage report. */
  tenant?: string;
}
