import { setTimeout as sleep } from 'node:timers/promises';
import { certainlyNotApplied } from '../aws/aws-json-client.ts';
import { type DynamoApi, isConditionalCheckFailed } from '../store/dynamo-api.ts';
import type { Window } from './windows.ts';

/** Counters of one scope (a key or a tenant) in one window. */
export interface WindowCounters {
  requests: number;
  tokens: number;
  spendMicros: number;
}

/** Upper bounds checked atomically with the increment; absent bounds are not checked. */
export interface WindowBounds {
  requests?: number;
  tokens?: number;
  spendMicros?: number;
}

export type AdmitResult = { admitted: true; counters: WindowCounters } | { admitted: false; counters: WindowCounters };

const num = (value: { N?: string } | undefined): number => Number(value?.N ?? 0);

const toCounters = (item: Record<string, { N?: string }> | undefined): WindowCounters => ({
  requests: num(item?.requests),
  tokens: num(item?.tokens),
  spendMicros: num(item?.spendMicros),
});

/**
 * Rate-limit windows in DynamoDB: one item per scope and window, all counters on that item, and
 * every admission a single conditional `UpdateItem` (`ADD` guarded by a `ConditionExpression`), so
 * the limit holds across any number of Lambda instances without a read before the write.
 */
export interface LimitsStore {
  /** Adds `amounts` if the counters stay within `bounds` afterwards; otherwise changes nothing. */
  admit(scope: string, window: Window, amounts: WindowCounters, bounds: WindowBounds): Promise<AdmitResult>;
  /** Unconditional correction (reconciliation with real usage, or releasing a reservation). */
  adjust(scope: string, window: Window, delta: WindowCounters): Promise<void>;
  read(scope: string, window: Window): Promise<WindowCounters>;
}

/**
 * Waits before sending a correction again. A correction is an `ADD`, so it is resent only when it
 * certainly changed nothing (throttled, or never sent); an unknown outcome is reported, never
 * resent, because counting it twice is worse than a logged leak an operator can correct.
 */
const ADJUST_RETRY_DELAYS_MS = [100, 500, 2_000];

export const createLimitsStore = (
  client: DynamoApi,
  tableName: string,
  options: { retryDelaysMs?: readonly number[] } = {},
): LimitsStore => {
  const retryDelays = options.retryDelaysMs ?? ADJUST_RETRY_DELAYS_MS;
  const key = (scope: string, window: Window) => ({ pk: { S: `${scope}#${window.id}` } });

  return {
    async admit(scope, window, amounts, bounds) {
      // A request larger than the whole limit can never fit; refuse it without writing.
      if (
        (['requests', 'tokens', 'spendMicros'] as const).some(
          (field) => bounds[field] !== undefined && amounts[field] > (bounds[field] as number),
        )
      ) {
        return { admitted: false, counters: await this.read(scope, window) };
      }
      // `counter <= bound - amount` is `counter + amount <= bound` without overflow or a read.
      const conditions: string[] = [];
      const values: Record<string, { N: string }> = {
        ':requests': { N: String(amounts.requests) },
        ':tokens': { N: String(amounts.tokens) },
        ':spend': { N: String(amounts.spendMicros) },
        ':expires': { N: String(window.expiresAt) },
      };
      for (const [field, attribute] of [
        ['requests', 'requests'],
        ['tokens', 'tokens'],
        ['spendMicros', 'spendMicros'],
      ] as const) {
        const bound = bounds[field];
        if (bound === undefined) continue;
        values[`:max_${field}`] = { N: String(bound - amounts[field]) };
        conditions.push(`(attribute_not_exists(${attribute}) OR ${attribute} <= :max_${field})`);
      }
      try {
        const result = await client.updateItem({
          TableName: tableName,
          Key: key(scope, window),
          UpdateExpression:
            'ADD requests :requests, tokens :tokens, spendMicros :spend SET expiresAt = if_not_exists(expiresAt, :expires)',
          ...(conditions.length > 0 ? { ConditionExpression: conditions.join(' AND ') } : {}),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        });
        return { admitted: true, counters: toCounters(result.Attributes as Record<string, { N?: string }> | undefined) };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        // Only on refusal: read the counters to say which limit was hit (dynalite ignores
        // ReturnValuesOnConditionCheckFailure, so the failure itself does not carry them).
        return { admitted: false, counters: await this.read(scope, window) };
      }
    },

    async adjust(scope, window, delta) {
      if (delta.requests === 0 && delta.tokens === 0 && delta.spendMicros === 0) return;
      const update = {
        TableName: tableName,
        Key: key(scope, window),
        UpdateExpression:
          'ADD requests :requests, tokens :tokens, spendMicros :spend SET expiresAt = if_not_exists(expiresAt, :expires)',
        ExpressionAttributeValues: {
          ':requests': { N: String(delta.requests) },
          ':tokens': { N: String(delta.tokens) },
          ':spend': { N: String(delta.spendMicros) },
          ':expires': { N: String(window.expiresAt) },
        },
      };
      for (let attempt = 0; ; attempt++) {
        try {
          await client.updateItem(update);
          return;
        } catch (error) {
          const delay = retryDelays[attempt];
          if (delay === undefined || !certainlyNotApplied(error)) throw error;
          await sleep(delay);
        }
      }
    },

    async read(scope, window) {
      const result = await client.getItem({ TableName: tableName, Key: key(scope, window), ConsistentRead: true });
      return toCounters(result.Item as Record<string, { N?: string }> | undefined);
    },
  };
};
