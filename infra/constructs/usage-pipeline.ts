import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Archive, EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IDestination, IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { usageRules } from '#shared/events/event-rules.ts';

export interface UsagePipelineProps {
  envName: string;
  source: string;
  retain: boolean;
  archiveRetentionDays: number;
}

/** Lago-sync takes up to 100 messages (Lago's batch size) and waits up to 5 s to fill a batch. */
const LAGO_BATCH = 100;
const LAGO_MAX_RECEIVES = 5;

/**
 * Where usage events go: a custom bus with an archive of every event (replayable), and the
 * rules from shared/events/event-rules.ts (the same ones the local bus matches) to metering (a Lambda
 * target with retries and a DLQ) and, when Lago is configured, to a queue that batches events for
 * the Lago-sync Lambda (partial batch failures, a DLQ after 5 receives).
 */
export class UsagePipeline extends Construct {
  readonly bus: EventBus;
  readonly deadLetterQueues: Queue[] = [];
  private readonly retain: boolean;

  constructor(scope: Construct, id: string, props: UsagePipelineProps) {
    super(scope, id);
    this.retain = props.retain;
    this.bus = new EventBus(this, 'Bus', { eventBusName: `inference-router-${props.envName}` });
    new Archive(this, 'Archive', {
      sourceEventBus: this.bus,
      eventPattern: { source: [props.source] },
      retention: Duration.days(props.archiveRetentionDays),
      description: 'Every usage event, for replays and backfills',
    });
  }

  private queue(id: string, props: { visibilityTimeout?: Duration; deadLetterQueue?: Queue } = {}): Queue {
    return new Queue(this, id, {
      // Queued and dead-lettered usage events are billing records: kept like the tables.
      removalPolicy: removalPolicyOf(this.retain),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      ...(props.visibilityTimeout ? { visibilityTimeout: props.visibilityTimeout } : {}),
      ...(props.deadLetterQueue ? { deadLetterQueue: { queue: props.deadLetterQueue, maxReceiveCount: LAGO_MAX_RECEIVES } } : {}),
    });
  }

  private rule(ruleId: 'metering' | 'lago-sync', source: string): Rule {
    const definition = usageRules.find((rule) => rule.id === ruleId);
    if (!definition) throw new Error(`no usage rule ${ruleId}`);
    return new Rule(this, `${ruleId === 'metering' ? 'Metering' : 'LagoSync'}Rule`, {
      eventBus: this.bus,
      description: definition.description,
      eventPattern: definition.pattern(source) as Record<string, string[]>,
    });
  }

  addMetering(fn: IFunction, source: string): void {
    const dlq = this.queue('MeteringDeadLetters');
    const failed = this.queue('MeteringFailures');
    this.deadLetterQueues.push(dlq, failed);
    // The rule's retries and DLQ cover delivering the event to Lambda; errors the function throws
    // are Lambda's asynchronous retries, whose failures need their own destination.
    this.rule('metering', source).addTarget(
      new LambdaFunction(fn, { deadLetterQueue: dlq, retryAttempts: 185, maxEventAge: Duration.hours(24) }),
    );
    fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: sendOnlyDestination(failed) });
  }

  /**
   * `maxConcurrency` bounds the Lago-sync instances the queue runs at once: each sends one batch at
   * a time, so Lago sees at most that many calls in flight however deep the queue gets.
   */
  addLagoSync(
    fn: IFunction,
    source: string,
    functionTimeout: Duration,
    maxConcurrency: number,
  ): { queue: Queue; deadLetterQueue: Queue } {
    const dlq = this.queue('LagoDeadLetters');
    const targetDlq = this.queue('LagoRuleDeadLetters');
    // SQS wants the visibility timeout at least six times the function timeout for Lambda sources.
    const queue = this.queue('LagoQueue', {
      visibilityTimeout: Duration.seconds(functionTimeout.toSeconds() * 6),
      deadLetterQueue: dlq,
    });
    this.deadLetterQueues.push(dlq, targetDlq);
    this.rule('lago-sync', source).addTarget(
      new SqsQueue(queue, { deadLetterQueue: targetDlq, retryAttempts: 185, maxEventAge: Duration.hours(24) }),
    );
    fn.addEventSource(
      new SqsEventSource(queue, {
        batchSize: LAGO_BATCH,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        maxConcurrency,
      }),
    );
    return { queue, deadLetterQueue: dlq };
  }
}

/**
 * An async-invoke destination queue with the one permission Lambda uses to deliver to it
 * (`sqs:SendMessage`); the stock `SqsDestination` also grants `GetQueueAttributes` and `GetQueueUrl`.
 */
const sendOnlyDestination = (queue: Queue): IDestination => ({
  bind: (_scope, fn) => {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    return { destination: queue.queueArn };
  },
});

export const removalPolicyOf = (retain: boolean): RemovalPolicy => (retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
