import * as z from 'zod';
import { validationError } from '#shared/api/validation.ts';
import { InvalidRequestError } from '#shared/errors.ts';
import type { UsageRow } from '#shared/metering/usage-store.ts';
import { microsToUsd } from '#shared/pricing/cost.ts';
import { clientKey } from '../http/request-state.ts';
import { type HttpResponse, jsonResponse } from '../http/types.ts';
import type { HandlerContext } from '../route-spec.ts';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  // Date.parse accepts 2026-02-30 (as March 2) and gives NaN for 2026-13-01: only real days pass.
  .refine(
    (value) => !Number.isNaN(Date.parse(value)) && new Date(value).toISOString().slice(0, 10) === value,
    'not a calendar date',
  );
const querySchema = z.strictObject({
  from: day.optional(),
  to: day.optional(),
  group_by: z.enum(['day', 'model', 'key', 'none']).default('day'),
  tenant: z.string().min(1).optional(),
});

const MAX_DAYS = 366;

interface Totals {
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost_usd: number;
  premium_cost_usd: number;
  savings_usd: number;
}

const usd = (micros: number): number => microsToUsd(Math.round(micros));

const sum = (rows: readonly UsageRow[]): Totals => {
  const cost = rows.reduce((total, row) => total + row.costMicros, 0);
  const premium = rows.reduce((total, row) => total + row.premiumCostMicros, 0);
  return {
    requests: rows.reduce((total, row) => total + row.requests, 0),
    errors: rows.reduce((total, row) => total + row.errors, 0),
    prompt_tokens: rows.reduce((total, row) => total + row.promptTokens, 0),
    completion_tokens: rows.reduce((total, row) => total + row.completionTokens, 0),
    cached_tokens: rows.reduce((total, row) => total + row.cachedTokens, 0),
    cost_usd: usd(cost),
    premium_cost_usd: usd(premium),
    savings_usd: usd(Math.max(0, premium - cost)),
  };
};

const report = async (
  { state, runtime }: HandlerContext,
  tenant: string,
  query: z.infer<typeof querySchema>,
): Promise<HttpResponse> => {
  const today = state.receivedAt.toISOString().slice(0, 10);
  const to = query.to ?? today;
  // Without `from`, the month of `to` so far (month to date by default).
  const from = query.from ?? `${to.slice(0, 7)}-01`;
  if (from > to) throw new InvalidRequestError(`from (${from}) is after to (${to}).`, { param: 'from' });
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_DAYS) {
    throw new InvalidRequestError(`The range is over ${MAX_DAYS} days; ask for less.`, { param: 'to' });
  }
  const rows = await runtime.usage.query(tenant, from, to);
  const groupOf = (row: UsageRow): string =>
    query.group_by === 'day' ? row.day : query.group_by === 'model' ? row.model : query.group_by === 'key' ? row.keyId : 'all';
  const groups = new Map<string, UsageRow[]>();
  for (const row of rows) {
    const group = groupOf(row);
    const members = groups.get(group);
    if (members) members.push(row);
    else groups.set(group, [row]);
  }
  const data = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, members]) => ({ [query.group_by]: group, ...sum(members) }));
  return jsonResponse(200, { object: 'usage', tenant, from, to, group_by: query.group_by, data, total: sum(rows) });
};

const parseQuery = (state: HandlerContext['state']) => {
  const parsed = querySchema.safeParse(state.http.query);
  if (!parsed.success) throw validationError(parsed.error, 'query');
  return parsed.data;
};

/** `GET /v1/usage`: the caller's own tenant, always; a `tenant` parameter is refused, not ignored. */
export const tenantUsage = async (context: HandlerContext): Promise<HttpResponse> => {
  const query = parseQuery(context.state);
  const key = clientKey(context.state);
  if (!key) throw new InvalidRequestError('This endpoint needs a client key.');
  if (query.tenant !== undefined) {
    throw new InvalidRequestError('A key sees its own tenant only; tenant is an admin parameter (/admin/usage).', {
      param: 'tenant',
    });
  }
  return report(context, key.tenant, query);
};

/** `GET /admin/usage?tenant=`: any tenant, for operators. */
export const adminUsage = async (context: HandlerContext): Promise<HttpResponse> => {
  const query = parseQuery(context.state);
  if (query.tenant === undefined) throw new InvalidRequestError('tenant is required.', { param: 'tenant' });
  return report(context, query.tenant, query);
};
