// DynamoDB table definitions, shared by the CDK stack and the local runtime's table setup so
// the two can never drift apart. Plain data: no SDK or CDK types leak in either direction.

export interface TableAttribute {
  name: string;
  type: 'S' | 'N';
}

export interface TableIndex {
  name: string;
  partitionKey: TableAttribute;
  sortKey?: TableAttribute;
}

export interface TableDefinition {
  /** Logical name; the physical name comes from the environment (stack output or local prefix). */
  id: 'keys' | 'limits' | 'usage';
  /** Environment variable that carries the physical table name to the Lambdas. */
  envVar: string;
  partitionKey: TableAttribute;
  sortKey?: TableAttribute;
  globalIndexes: TableIndex[];
  /** Attribute holding an epoch-seconds expiry; DynamoDB TTL only cleans up, logic never relies on it. */
  ttlAttribute?: string;
}

export const keysTable: TableDefinition = {
  id: 'keys',
  envVar: 'KEYS_TABLE',
  partitionKey: { name: 'keyHash', type: 'S' },
  globalIndexes: [
    { name: 'byId', partitionKey: { name: 'id', type: 'S' } },
    { name: 'byTenant', partitionKey: { name: 'tenant', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
  ],
};

/** Rate-limit windows: `<scope>#<window>` (e.g. `key#key_1#min#2026-11-24T22:30`) -> counters. */
export const limitsTable: TableDefinition = {
  id: 'limits',
  envVar: 'LIMITS_TABLE',
  partitionKey: { name: 'pk', type: 'S' },
  globalIndexes: [],
  ttlAttribute: 'expiresAt',
};

/**
 * Metering: per tenant, one aggregate item per day, key and model (`sk = day#2026-11-24#key#k#model#m`),
 * and one short-lived marker per metered request (`pk = event#<requestId>`) that makes metering
 * idempotent under EventBridge's at-least-once delivery and archive replays.
 */
export const usageTable: TableDefinition = {
  id: 'usage',
  envVar: 'USAGE_TABLE',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [],
  ttlAttribute: 'expiresAt',
};

export const tableDefinitions: readonly TableDefinition[] = [keysTable, limitsTable, usageTable];
