import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/** One client per instance; `endpoint` points it at the local event bus, which accepts any credentials. */
export const createEventBridgeClient = (endpoint?: string): EventBridgeClient =>
  new EventBridgeClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
