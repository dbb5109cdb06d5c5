import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueuedRecord } from './lago-sync.ts';

/** Parks a record in the dead-letter queue with its reason as a message attribute. */
export const createSqsSetAside =
  (client: SQSClient, queueUrl: string) =>
  async (record: QueuedRecord, reason: string): Promise<void> => {
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: record.body,
        MessageAttributes: {
          reason: { DataType: 'String', StringValue: reason.slice(0, 1000) },
          originalMessageId: { DataType: 'String', StringValue: record.messageId },
        },
      }),
    );
  };
