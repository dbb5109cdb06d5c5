import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * One DynamoDB client per Lambda instance (keep-alive connections are the SDK's default).
 * `endpoint` points it at the embedded DynamoDB locally, which accepts any credentials.
 */
export const createDynamoClient = (options: { endpoint?: string; region?: string } = {}): DynamoDBClient =>
  new DynamoDBClient({
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
