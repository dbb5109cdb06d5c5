import { DETAIL_TYPE_COMPLETED, DETAIL_TYPE_FAILED } from './usage-event.ts';

// The EventBridge rules, as data: the CDK stack deploys them and the local event bus matches with
// them, so the two cannot disagree. Patterns use the subset of EventBridge's syntax that
// `event-pattern.ts` implements (exact values, prefix, anything-but, exists, numeric).

export type EventPattern = { [field: string]: EventPattern | ReadonlyArray<unknown> };

export interface UsageRule {
  id: 'metering' | 'lago-sync';
  description: string;
  pattern: (source: string) => EventPattern;
}

export const usageRules: readonly UsageRule[] = [
  {
    id: 'metering',
    description: 'Every usage event, served or failed, into the usage table',
    pattern: (source) => ({ source: [source], 'detail-type': [DETAIL_TYPE_COMPLETED, DETAIL_TYPE_FAILED] }),
  },
  {
    id: 'lago-sync',
    description: 'Served requests to Lago for billing (through an SQS queue for batching)',
    pattern: (source) => ({ source: [source], 'detail-type': [DETAIL_TYPE_COMPLETED] }),
  },
];
