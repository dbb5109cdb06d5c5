import { measureDynamoCalls } from './dynamodb-calls.ts';

// `npm run bench`: prints figures; it asserts nothing (targets are compared in BENCHMARKS.md).

const dynamo = await measureDynamoCalls();
console.log(`\nDynamoDB calls per request (warm key cache, ${dynamo.requests} sequential requests, per-minute limits on):`);
console.table(dynamo.perRequest);
