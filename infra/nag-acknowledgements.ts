import { type Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag findings this stack accepts, each with its reason. Everything else must be fixed: the
 * infra tests fail on any unacknowledged finding.
 */
export const acknowledgeFindings = (stack: Stack): void => {
  const acknowledge = (construct: IConstruct, id: string, reason: string): void =>
    Validations.of(construct).acknowledge({ id, reason });

  acknowledge(
    stack,
    'AwsSolutions-APIG4',
    'Clients authenticate with API keys checked by the router itself: SHA-256 hashes in DynamoDB, revocable, with per-key models and limits (API Gateway API keys are not access control, count requests only and stop at 10,000).',
  );
  acknowledge(
    stack,
    'AwsSolutions-COG4',
    'No end users sign in: callers are services holding router API keys (see AwsSolutions-APIG4).',
  );
  acknowledge(
    stack,
    'AwsSolutions-APIG2',
    "The router validates every body with its own schemas and answers in OpenAI's error format, which SDKs rely on; a gateway validator would answer in another shape.",
  );
  acknowledge(
    stack,
    'AwsSolutions-SMG4',
    'The admin key is rotated by the operator (README: rotate keys); provider and Lago keys are issued by third parties and cannot be rotated by a Lambda here.',
  );
  acknowledge(
    stack,
    'AwsSolutions-SQS3',
    'These queues are dead-letter queues themselves (of the EventBridge rule targets and of the Lago queue); cdk-nag only recognizes DLQs referenced by another queue.',
  );
  acknowledge(
    stack,
    'AwsSolutions-APIG3',
    'WAF is a per-environment choice (infra/env/<name>.json "waf"); environments without it rely on the stage throttling and per-key limits.',
  );
};
