import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ConflictError, InvalidRequestError, NotFoundError } from '../errors.ts';
import { type DynamoApi, isConditionalCheckFailed } from '../store/dynamo-api.ts';
import { keysTable } from '../store/tables.ts';
import { generateApiKey, newKeyId } from './api-key.ts';
import { type CreateKeyRequest, type KeyRecord, keyRecordSchema, type UpdateKeyRequest } from './key-record.ts';

export interface CreatedKey {
  record: KeyRecord;
  /** The secret, to be shown to the creator once. */
  key: string;
}

export interface KeyPage {
  keys: KeyRecord[];
  /** Opaque cursor for the next page, if any. */
  next?: string;
}

/** API keys in DynamoDB, addressed by the SHA-256 of the secret; indexes by id and by tenant. */
export interface KeysStore {
  create(input: CreateKeyRequest, now?: Date): Promise<CreatedKey>;
  findByHash(hash: string): Promise<KeyRecord | undefined>;
  findById(id: string): Promise<KeyRecord | undefined>;
  list(query: { tenant?: string; limit: number; after?: string }): Promise<KeyPage>;
  revoke(id: string, now?: Date): Promise<KeyRecord>;
  update(id: string, changes: UpdateKeyRequest): Promise<KeyRecord>;
}

const toRecord = (item: Record<string, unknown>): KeyRecord => {
  const { keyHash: _hash, ...rest } = item;
  return keyRecordSchema.parse(rest);
};

const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key === undefined ? undefined : Buffer.from(JSON.stringify(key)).toString('base64url');

const decodeCursor = (cursor: string | undefined) => {
  if (cursor === undefined) return undefined;
  const refused = new InvalidRequestError('after is not a cursor returned by this API', { param: 'after' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused;
  }
  // A DynamoDB key: an object of string attributes ({"S": "..."}), nothing else.
  const valid =
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        Object.keys(value).length === 1 &&
        typeof (value as { S?: unknown }).S === 'string',
    );
  if (!valid || Object.keys(parsed as object).length === 0) throw refused;
  return parsed as Record<string, { S: string }>;
};

export const createKeysStore = (client: DynamoApi, tableName: string): KeysStore => {
  const hashById = async (id: string): Promise<string | undefined> => {
    const result = await client.query({
      TableName: tableName,
      IndexName: 'byId',
      KeyConditionExpression: 'id = :id',
      ExpressionAttributeValues: { ':id': { S: id } },
      Limit: 1,
    });
    return result.Items?.[0]?.[keysTable.partitionKey.name]?.S;
  };

  return {
    async create(input, now = new Date()) {
      const secret = generateApiKey();
      const record: KeyRecord = keyRecordSchema.parse({
        id: newKeyId(),
        tenant: input.tenant,
        name: input.name,
        status: 'active',
        hint: secret.hint,
        createdAt: now.toISOString(),
        expiresAt: input.expiresAt === undefined ? undefined : new Date(input.expiresAt).toISOString(),
        models: input.models,
        limits: input.limits,
        plan: input.plan,
        guardrailPolicy: input.guardrailPolicy,
        lagoSubscriptionId: input.lagoSubscriptionId,
        metadata: input.metadata,
      });
      try {
        await client.putItem({
          TableName: tableName,
          Item: marshall({ keyHash: secret.hash, ...record }, { removeUndefinedValues: true }),
          ConditionExpression: 'attribute_not_exists(keyHash)',
        });
      } catch (error) {
        // 192 random bits make a collision practically impossible; refuse rather than overwrite.
        if (isConditionalCheckFailed(error)) throw new ConflictError('key collision; retry the request');
        throw error;
      }
      return { record, key: secret.key };
    },

    async findByHash(hash) {
      const result = await client.getItem({ TableName: tableName, Key: { keyHash: { S: hash } } });
      return result.Item ? toRecord(unmarshall(result.Item)) : undefined;
    },

    async findById(id) {
      const hash = await hashById(id);
      if (hash === undefined) return undefined;
      return this.findByHash(hash);
    },

    async list({ tenant, limit, after }) {
      const common = { TableName: tableName, Limit: limit, ExclusiveStartKey: decodeCursor(after) };
      const result =
        tenant === undefined
          ? await client.scan(common)
          : await client.query({
              ...common,
              IndexName: 'byTenant',
              KeyConditionExpression: 'tenant = :tenant',
              ExpressionAttributeValues: { ':tenant': { S: tenant } },
              ScanIndexForward: false,
            });
      return {
        keys: (result.Items ?? []).map((item) => toRecord(unmarshall(item))),
        next: encodeCursor(result.LastEvaluatedKey),
      };
    },

    async update(id, changes) {
      const hash = await hashById(id);
      if (hash === undefined) throw new NotFoundError(`No API key with id '${id}'.`, { code: 'key_not_found' });
      const { limits, ...fields } = changes;
      const sets: string[] = [];
      const removes: string[] = [];
      const names: Record<string, string> = {};
      const values: Record<string, AttributeValue> = {};
      const put = (path: string, token: string, value: unknown): void => {
        sets.push(`${path} = ${token}`);
        values[token] = marshall({ v: value }, { removeUndefinedValues: true }).v as AttributeValue;
      };
      for (const [field, value] of Object.entries({ ...fields, ...(limits === null ? { limits } : {}) })) {
        if (value === undefined) continue;
        names[`#${field}`] = field;
        if (value === null) removes.push(`#${field}`);
        else put(`#${field}`, `:${field}`, field === 'expiresAt' ? new Date(value as string).toISOString() : value);
      }
      // Limits merge field by field. A nested path needs the map to exist, so the first attempt
      // requires it and, on a key without limits, the second writes the whole map; both conditional.
      const patch = limits ? Object.entries(limits).filter((entry) => entry[1] !== undefined) : [];
      const attempt = async (limitsMap: 'exists' | 'absent' | 'untouched') => {
        const limitSets: string[] = [];
        const limitRemoves: string[] = [];
        const limitValues: Record<string, AttributeValue> = {};
        const limitNames: Record<string, string> = {};
        if (limitsMap !== 'untouched') limitNames['#limits'] = 'limits';
        if (limitsMap === 'exists') {
          for (const [field, value] of patch) {
            limitNames[`#l_${field}`] = field;
            if (value === null) limitRemoves.push(`#limits.#l_${field}`);
            else {
              limitSets.push(`#limits.#l_${field} = :l_${field}`);
              limitValues[`:l_${field}`] = { N: String(value) };
            }
          }
        } else if (limitsMap === 'absent') {
          const whole = Object.fromEntries(patch.filter((entry) => entry[1] !== null));
          limitSets.push('#limits = :limits');
          limitValues[':limits'] = marshall({ v: whole }).v as AttributeValue;
        }
        const allSets = [...sets, ...limitSets];
        const allRemoves = [...removes, ...limitRemoves];
        const conditions = ['attribute_exists(keyHash)'];
        if (limitsMap === 'exists') conditions.push('attribute_exists(#limits)');
        if (limitsMap === 'absent') conditions.push('attribute_not_exists(#limits)');
        const allValues = { ...values, ...limitValues };
        return client.updateItem({
          TableName: tableName,
          Key: { keyHash: { S: hash } },
          UpdateExpression: [
            allSets.length > 0 ? `SET ${allSets.join(', ')}` : '',
            allRemoves.length > 0 ? `REMOVE ${allRemoves.join(', ')}` : '',
          ]
            .join(' ')
            .trim(),
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: { ...names, ...limitNames },
          ...(Object.keys(allValues).length > 0 ? { ExpressionAttributeValues: allValues } : {}),
          ReturnValues: 'ALL_NEW',
        });
      };
      if (patch.length === 0 && sets.length === 0 && removes.length === 0) {
        const current = await this.findById(id);
        if (!current) throw new NotFoundError(`No API key with id '${id}'.`, { code: 'key_not_found' });
        return current;
      }
      if (patch.length === 0) return toRecord(unmarshall((await attempt('untouched')).Attributes ?? {}));
      for (const mode of ['exists', 'absent', 'exists'] as const) {
        try {
          return toRecord(unmarshall((await attempt(mode)).Attributes ?? {}));
        } catch (error) {
          // The map appeared or vanished between the attempts: try the other form.
          if (!isConditionalCheckFailed(error)) throw error;
        }
      }
      throw new ConflictError(`The key '${id}' changed while it was being updated; try again.`);
    },

    async revoke(id, now = new Date()) {
      const hash = await hashById(id);
      if (hash === undefined) throw new NotFoundError(`No API key with id '${id}'.`, { code: 'key_not_found' });
      const result = await client.updateItem({
        TableName: tableName,
        Key: { keyHash: { S: hash } },
        // Revoking twice keeps the first revocation time.
        UpdateExpression: 'SET #status = :revoked, revokedAt = if_not_exists(revokedAt, :now)',
        ConditionExpression: 'attribute_exists(keyHash)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':revoked': { S: 'revoked' }, ':now': { S: now.toISOString() } },
        ReturnValues: 'ALL_NEW',
      });
      return toRecord(unmarshall(result.Attributes ?? {}));
    },
  };
};
