import type { PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { type AwsCredentials, createAwsJsonClient } from '../aws/aws-json-client.ts';

/** A PutEvents entry as the JSON protocol carries it: `Time` in epoch seconds. */
export interface EventEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: string;
  Time?: number;
}

export interface EventsApi {
  putEvents(input: { Entries: EventEntry[] }): Promise<{ FailedEntryCount?: number; Entries?: PutEventsResultEntry[] }>;
  destroy(): void;
}

/** EventBridge over the light JSON client; `endpoint` points it at the local event bus (any credentials). */
export const createEventsApi = (endpoint?: string): EventsApi => {
  const local: AwsCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const client = createAwsJsonClient({
    service: 'events',
    targetPrefix: 'AWSEvents',
    jsonVersion: '1.1',
    region: process.env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint, credentials: () => local } : {}),
  });
  // A resent PutEvents may deliver an event twice; every consumer dedupes on the request id.
  return { putEvents: (input) => client.call('PutEvents', input, { idempotent: true }), destroy: () => client.destroy() };
};
