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
 */
const STALE_MS = 90 * 1000;

const num = (value: { N?: string } | undefined): number => Number(value?.N ?? 0);

/**
 * Metering is exactly-once per request id without transactions (the embedded DynamoDB has none):
 * a marker item is claimed with a conditional put, the aggregate is updated with one ADD, then the
 * marker is marked done. A duplicate finds the marker and stops. Only a crash between the ADD and
 * the "done" write can count an event twice (after the stale period); that window is two
 * consecutive writes of one invocation, the same one Powertools idempotency accepts.
 */
export const createUsageStore = (client: DynamoApi, tableName: string): UsageStore => ({
  async meter(detail, now = Date.now()) {
    const marker = { pk: { S: `event#${detail.requestId}` }, sk: { S: 'marker' } };
    try {
      await client.putItem({
        TableName: tableName,
        Item: {
          ...marker,
          state: { S: 'applying' },
          startedAt: { N: String(now) },
          expiresAt: { N: String(Math.floor(now / 1000) + DEDUP_RETENTION_DAYS * 86_400) },
        },
        ConditionExpression: 'attribute_not_exists(pk) OR (#state = :applying AND startedAt < :stale)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':applying': { S: 'applying' }, ':stale': { N: String(now - STALE_MS) } },
      });
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const existing = await client.getItem({ TableName: tableName, Key: marker, ConsistentRead: true });
      if (existing.Item?.state?.S === 'done') return 'duplicate';
      throw new MeteringInProgressError(detail.requestId);
    }

    const day = detail.timestamp.slice(0, 10);
    const model = detail.servedModel ?? detail.requestedModel;
    const failed = detail.status >= 400 || detail.servedModel === undefined;
    await client.updateItem({
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
    });
    await client.updateItem({
      TableName: tableName,
      Key: marker,
      UpdateExpression: 'SET #state = :done',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':done': { S: 'done' } },
    });
    return 'metered';
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
});
