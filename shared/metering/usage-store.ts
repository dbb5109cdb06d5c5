import { setTimeout as sleep } from 'node:timers/promises';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { UsageEventDetail } from '../events/usage-event.ts';
import { type DynamoApi, isConditionalCheckFailed } from '../store/dynamo-api.ts';

/** Totals of one day, key and model of a tenant. */
export interface UsageRow {
  day: string;
  keyId: string;
  model: string;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  costMicros: number;
  premiumCostMicros: number;
}

export type MeterOutcome = 'metered' | 'duplicate';

/** Another delivery of the same event is being metered right now; EventBridge will retry this one. */
export class MeteringInProgressError extends Error {
  constructor(requestId: string) {
    super(`usage event ${requestId} is being metered by another delivery`);
    this.name = 'MeteringInProgressError';
  }
}

export interface UsageStore {
  /** Adds one event to its day's aggregate, at most once per request id. */
  meter(detail: UsageEventDetail, now?: number): Promise<MeterOutcome>;
  /** A tenant's aggregates for days in [from, to] (YYYY-MM-DD, inclusive). */
  query(tenant: string, from: string, to: string): Promise<UsageRow[]>;
}

/** An event is forgotten after this long; archive replays must stay within it. */
export const DEDUP_RETENTION_DAYS = 400;
/**
 * A delivery that started metering this long ago and never finished is presumed dead: three times
 * the metering Lambda's 30 s timeout, so Lambda's own retry (after 1 and 2 minutes) can take over.
 * Only the path without transactions leaves such "applying" markers (locally, or a delivery of the
 * version before transactions still running during a deploy); the transaction writes "done" at once.
 */
const STALE_MS = 90 * 1000;

const num = (value: { N?: string } | undefined): number => Number(value?.N ?? 0);

/**
 * Resends of a transaction cancelled with no marker written: a conflict with a concurrent transaction
 * on the same aggregate (one item per tenant, day, key and model, so a busy key's events contend for
 * it) or a capacity shortfall. A cancelled transaction changed nothing, so a resend is always safe.
 */
const TRANSACTION_RETRY_DELAYS_MS = [25, 100, 400];

const isNamed = (error: unknown, name: string): boolean => (error as { name?: unknown } | undefined)?.name === name;

/**
 * Exactly-once metering per request id. Where DynamoDB has transactions (AWS, moto), one
 * `TransactWriteItems` puts the "done" marker, on condition that no delivery metered the event
 * before, and adds the event to its aggregate: both or neither, so no crash can leave the ADD
 * without its marker. A duplicate cancels the transaction on the marker's condition and stops.
 *
 * The embedded DynamoDB (dynalite) has no transactions; the first `UnknownOperationException` switches
 * this store, for its lifetime, to three writes in sequence: a marker claimed with a conditional put,
 * the ADD, then the marker marked done. There a crash between the ADD and the "done" write counts the
 * event twice (after the stale period): the window Powertools idempotency accepts, tolerable locally.
 * Both paths honour the same marker (a recent "applying" marker, left by the sequence, blocks both),
 * so markers written by either are understood by the other.
 */
export const createUsageStore = (client: DynamoApi, tableName: string): UsageStore => {
  /** Until the table says otherwise: a store only ever talks to one DynamoDB. */
  let transactions = true;

  const markerKey = (requestId: string) => ({ pk: { S: `event#${requestId}` }, sk: { S: 'marker' } });
  const marker = (requestId: string, state: 'applying' | 'done', now: number) => ({
    TableName: tableName,
    Item: {
      ...markerKey(requestId),
      state: { S: state },
      startedAt: { N: String(now) },
      expiresAt: { N: String(Math.floor(now / 1000) + DEDUP_RETENTION_DAYS * 86_400) },
    },
    // Never metered, or claimed by a delivery that has been silent long enough to be presumed dead.
    ConditionExpression: 'attribute_not_exists(pk) OR (#state = :applying AND startedAt < :stale)',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: { ':applying': { S: 'applying' }, ':stale': { N: String(now - STALE_MS) } },
  });

  const aggregateUpdate = (detail: UsageEventDetail) => {
    const day = detail.timestamp.slice(0, 10);
    const model = detail.servedModel ?? detail.requestedModel;
    const failed = detail.status >= 400 || detail.servedModel === undefined;
    return {
      TableName: tableName,
      Key: { pk: { S: `usage#tenant#${detail.tenant}` }, sk: { S: `day#${day}#key#${detail.keyId}#model#${model}` } },
      UpdateExpression:
        'ADD requests :one, errors :errors, promptTokens :prompt, completionTokens :completion, cachedTokens :cached, costMicros :cost, premiumCostMicros :premium SET #day = :day, keyId = :key, #model = :model',
      ExpressionAttributeNames: { '#day': 'day', '#model': 'model' },
      ExpressionAttributeValues: {
        ':one': { N: '1' },
        ':errors': { N: failed ? '1' : '0' },
        ':prompt': { N: String(detail.usage.promptTokens) },
        ':completion': { N: String(detail.usage.completionTokens) },
        ':cached': { N: String(detail.usage.cachedTokens) },
        ':cost': { N: String(detail.costMicros) },
        ':premium': { N: String(detail.premiumCostMicros) },
        ':day': { S: day },
        ':key': { S: detail.keyId },
        ':model': { S: model },
      },
    };
  };

  /** After the marker's condition refused a delivery: metered already, or another delivery is at it. */
  const refused = async (requestId: string): Promise<'duplicate' | 'in-progress' | 'absent'> => {
    const existing = await client.getItem({ TableName: tableName, Key: markerKey(requestId), ConsistentRead: true });
    if (existing.Item === undefined) return 'absent';
    return existing.Item.state?.S === 'done' ? 'duplicate' : 'in-progress';
  };

  const meterInTransaction = async (detail: UsageEventDetail, now: number): Promise<MeterOutcome | undefined> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.transactWriteItems({
          TransactItems: [{ Put: marker(detail.requestId, 'done', now) }, { Update: aggregateUpdate(detail) }],
        });
        return 'metered';
      } catch (error) {
        if (isNamed(error, 'UnknownOperationException')) {
          transactions = false;
          return undefined;
        }
        if (!isNamed(error, 'TransactionCanceledException')) throw error;
        // The light client does not surface the cancellation reasons; the marker tells them apart.
        const found = await refused(detail.requestId);
        if (found === 'duplicate') return 'duplicate';
        if (found === 'in-progress') throw new MeteringInProgressError(detail.requestId);
        const delay = TRANSACTION_RETRY_DELAYS_MS[attempt];
        if (delay === undefined) throw error;
        await sleep(Math.random() * delay);
      }
    }
  };

  const meterInSequence = async (detail: UsageEventDetail, now: number): Promise<MeterOutcome> => {
    try {
      await client.putItem(marker(detail.requestId, 'applying', now));
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      if ((await refused(detail.requestId)) === 'duplicate') return 'duplicate';
      throw new MeteringInProgressError(detail.requestId);
    }
    await client.updateItem(aggregateUpdate(detail));
    await client.updateItem({
      TableName: tableName,
      Key: markerKey(detail.requestId),
      UpdateExpression: 'SET #state = :done',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':done': { S: 'done' } },
    });
    return 'metered';
  };

  return {
    async meter(detail, now = Date.now()) {
      if (transactions) {
        const outcome = await meterInTransaction(detail, now);
        if (outcome !== undefined) return outcome;
      }
      return meterInSequence(detail, now);
    },

    async query(tenant, from, to) {
      const rows: UsageRow[] = [];
      if (from > to) return rows;
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.query({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': { S: `usage#tenant#${tenant}` },
            ':from': { S: `day#${from}` },
            ':to': { S: `day#${to}#~` },
          },
          ExclusiveStartKey: start,
        });
        for (const item of page.Items ?? []) {
          rows.push({
            day: item.day?.S ?? '',
            keyId: item.keyId?.S ?? '',
            model: item.model?.S ?? '',
            requests: num(item.requests),
            errors: num(item.errors),
            promptTokens: num(item.promptTokens),
            completionTokens: num(item.completionTokens),
            cachedTokens: num(item.cachedTokens),
            costMicros: num(item.costMicros),
            premiumCostMicros: num(item.premiumCostMicros),
          });
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return rows;
    },
  };
};
