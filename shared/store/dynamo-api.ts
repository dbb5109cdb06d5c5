import type {
  GetItemInput,
  GetItemOutput,
  PutItemInput,
  PutItemOutput,
  QueryInput,
  QueryOutput,
  ScanInput,
  ScanOutput,
  TransactWriteItemsInput,
  TransactWriteItemsOutput,
  UpdateItemInput,
  UpdateItemOutput,
} from '@aws-sdk/client-dynamodb';
import { type AwsCredentials, createAwsJsonClient } from '../aws/aws-json-client.ts';

// The DynamoDB operations the stores use, over the light JSON client. The SDK's types describe
// the wire format exactly, so they are reused (type-only imports: nothing of the SDK is loaded).

export interface DynamoApi {
  getItem(input: GetItemInput): Promise<GetItemOutput>;
  putItem(input: PutItemInput): Promise<PutItemOutput>;
  updateItem(input: UpdateItemInput): Promise<UpdateItemOutput>;
  query(input: QueryInput): Promise<QueryOutput>;
  scan(input: ScanInput): Promise<ScanOutput>;
  /**
   * All or nothing across items. dynalite (the embedded DynamoDB) has no transactions and answers
   * `UnknownOperationException`: callers that must run locally keep a path without them.
   */
  transactWriteItems(input: TransactWriteItemsInput): Promise<TransactWriteItemsOutput>;
  destroy(): void;
}

export const isConditionalCheckFailed = (error: unknown): boolean =>
  (error as { name?: unknown } | undefined)?.name === 'ConditionalCheckFailedException';

/** `endpoint` points it at the embedded DynamoDB locally, which accepts any credentials. */
export const createDynamoApi = (options: { endpoint?: string | undefined; region?: string } = {}): DynamoApi => {
  const local: AwsCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const client = createAwsJsonClient({
    service: 'dynamodb',
    targetPrefix: 'DynamoDB_20120810',
    jsonVersion: '1.0',
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: () => local } : {}),
  });
  return {
    getItem: (input) => client.call('GetItem', input),
    // Writes are not resent when their outcome is unknown: a resent ADD would count twice.
    putItem: (input) => client.call('PutItem', input, { idempotent: false }),
    updateItem: (input) => client.call('UpdateItem', input, { idempotent: false }),
    query: (input) => client.call('Query', input),
    scan: (input) => client.call('Scan', input),
    // Not resent either: whether a resend is harmless depends on the transaction's own conditions.
    transactWriteItems: (input) => client.call('TransactWriteItems', input, { idempotent: false }),
    destroy: () => client.destroy(),
  };
};
