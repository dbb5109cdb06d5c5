import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundleAll, CACHE_DIR, type ImportTime, SDK_ENTRY, SOURCE_ENTRY, timeImports, writeSdkEntry } from './cold-start.ts';
import { measureDynamoCalls } from './dynamodb-calls.ts';
import type { InProcessResult } from './in-process.ts';
import { type Child, type CpuSample, startChild } from './ipc.ts';
import type { LoadResult, SequentialResult, Target } from './load-client.ts';
import { measureOutputGuard } from './output-guard.ts';
import { measureRoutingModel } from './routing-model.ts';
import { fmt, fmtInt, table } from './stats.ts';

// `npm run bench`: the router's overhead, throughput, cold start and memory, each actor in its
// own process (see BENCHMARKS.md for the method). It prints figures and a targets table; it
// asserts nothing and exits 0 unless something failed to run.
//
// Settings (environment): BENCH_DURATION (s per load run, 8), BENCH_WARMUP (s, 2),
// BENCH_CONNECTIONS (1,10,50), BENCH_SEQUENTIAL (1500), BENCH_SSE (200), BENCH_IN_PROCESS (1500),
// BENCH_IMPORT_RUNS (7), BENCH_REPEATS (3), BENCH_UPSTREAM_DELAY_MS (0),
// BENCH_UPSTREAM_TOKEN_DELAY_MS (1), BENCH_UPSTREAM_TOKENS (8).

const setting = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number`);
  return value;
};
const DURATION = setting('BENCH_DURATION', 8);
const WARMUP = setting('BENCH_WARMUP', 2);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,10,50').split(',').map(Number);
const SEQUENTIAL = setting('BENCH_SEQUENTIAL', 1500);
const SSE = setting('BENCH_SSE', 200);
const IN_PROCESS = setting('BENCH_IN_PROCESS', 1500);
const IMPORT_RUNS = setting('BENCH_IMPORT_RUNS', 7);
const REPEATS = setting('BENCH_REPEATS', 3);

const ADMIN_KEY = 'sk-admin-bench-0123456789';
const UPSTREAM_KEY = 'sk-bench-upstream-0123456789';
const PROMPT = 'Say hello in one short sentence.';
const jsonBody = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: PROMPT }] });
const sseBody = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: PROMPT }], stream: true });
const MB = 1024 * 1024;

const results: Record<string, unknown> = {};
const targets: Array<{ target: string; goal: string; measured: string; met: boolean; by: string }> = [];
const section = (title: string) => console.log(`\n## ${title}\n`);
const note = (text: string) => console.log(`\n${text}`);

// --- The machine ------------------------------------------------------------------------------

const cpuModel = cpus()[0]?.model ?? 'unknown';
const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
const machine = {
  cpus: cpus().length,
  cpuModel,
  cpuMhz: Number(/cpu MHz\s*:\s*([\d.]+)/.exec(cpuinfo)?.[1] ?? Number.NaN),
  virtualMachine: /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo),
  memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  kernel: readFileSync('/proc/version', 'utf8').split(' ')[2] ?? '?',
};
results.machine = machine;
console.log('# inference-router benchmark');
console.log(
  `\n${machine.cpus} CPUs (${machine.cpuModel}, ${fmt(machine.cpuMhz, 0)} MHz${machine.virtualMachine ? ', virtual machine' : ''}), ${machine.memoryGb} GB RAM, Node ${machine.node}, ${machine.platform}, kernel ${machine.kernel}`,
);
console.log(
  `load runs: ${DURATION}s after ${WARMUP}s warm-up, connections ${CONNECTIONS.join('/')}; sequential: ${SEQUENTIAL} JSON, ${SSE} SSE; in-process: ${IN_PROCESS}; imports: ${IMPORT_RUNS} runs`,
);

// --- Cold start: first, while the machine is quiet ----------------------------------------------

section('Cold start');
const bundles = await bundleAll();
results.bundles = bundles.sizes;
console.log(
  table(
    ['Lambda bundle (CDK settings)', 'bytes', 'KB', 'gzip KB'],
    bundles.sizes.map((size) => [size.name, fmtInt(size.bytes), fmt(size.bytes / 1000, 1), fmt(size.gzipBytes / 1000, 1)]),
  ),
);
await writeSdkEntry();
const imports: ImportTime[] = await timeImports(
  [
    { name: 'router bundle, NODE_OPTIONS=--enable-source-maps (as deployed)', file: bundles.router, sourceMaps: true },
    { name: 'router bundle, no source maps', file: bundles.router, sourceMaps: false },
    { name: 'router bundle with tracing, source maps', file: bundles.routerTracing, sourceMaps: true },
    {
      name: 'for comparison: the AWS SDK v3 clients alone (no longer imported by the router)',
      file: SDK_ENTRY,
      sourceMaps: false,
    },
    { name: 'router source, unbundled (type stripping)', file: SOURCE_ENTRY, sourceMaps: false },
  ],
  IMPORT_RUNS,
);
results.imports = imports;
console.log('');
console.log(
  table(
    ['await import() in a fresh node process', 'median ms', 'min', 'max', 'process start to imported, ms'],
    imports.map((entry) => [
      entry.name,
      fmt(entry.importMs, 1),
      fmt(entry.importMin, 1),
      fmt(entry.importMax, 1),
      fmt(entry.sinceStartMs, 1),
    ]),
  ),
);
const routerBytes = bundles.sizes[0]?.bytes ?? Number.NaN;
const routerImport = imports[0]?.importMs ?? Number.NaN;

section('Routing model (models/routing/complexity-v3.json), in this process');
const routingModel = measureRoutingModel();
results.routingModel = routingModel;
console.log(
  table(
    ['prompt chars', 'runs', 'classifier p50 us', 'classifier p99 us', 'request features p50 us (computed for every request)'],
    routingModel.scoring.map((row) => [
      fmtInt(row.chars),
      fmtInt(row.runs),
      fmt(row.modelP50Us, 1),
      fmt(row.modelP99Us, 1),
      fmt(row.featuresP50Us, 1),
    ]),
  ),
);
console.log(
  table(
    ['hostile body', 'runs', 'classifier p50 us', 'request features p50 us'],
    routingModel.hostile.map((row) => [row.name, fmtInt(row.runs), fmt(row.modelP50Us, 1), fmt(row.featuresP50Us, 1)]),
  ),
);
note(
  `Model file ${fmt(routingModel.fileBytes / 1000, 1)} KB; read, checked and unpacked in ${fmt(routingModel.loadMs, 1)} ms (median of 15), part of the router's init above.`,
);

section('Output guard: a stream of 16,000 chunks of 16 characters, in this process (median of 3)');
const outputGuard = await measureOutputGuard();
results.outputGuard = outputGuard;
console.log(
  table(
    ['stream', 'chunks', 'ms', 'chunks/s', 'longest chunk, ms', 'mask sent at chunk'],
    outputGuard.map((row) => [
      row.name,
      fmtInt(row.chunks),
      fmt(row.ms, 0),
      fmtInt(row.chunksPerSecond),
      fmt(row.longestStepMs, 1),
      row.firstMaskAtChunk === undefined ? '-' : fmtInt(row.firstMaskAtChunk),
    ]),
  ),
);
note(
  'Every scanned chunk costs the same however long the answer so far: a value too long to hold back (1,024 characters) is masked at once and the rest of it dropped as it streams.',
);

// --- DynamoDB calls through npm start's stack (in process) ---------------------------------------

section('DynamoDB calls per request, `npm start` stack (mock model, per-minute limits on, warm key cache)');
const dynamoCalls = await measureDynamoCalls();
results.dynamoCallsLocalServer = dynamoCalls;
console.log(
  table(
    ['operation table', 'calls/request', 'made by'],
    Object.entries(dynamoCalls.perRequest).map(([name, perRequest]) => [
      name,
      fmt(perRequest, 2),
      name.endsWith('-limits') ? 'router (admission, reconciliation)' : name.endsWith('-usage') ? 'metering consumer' : 'router',
    ]),
  ),
);

// --- The processes --------------------------------------------------------------------------------

await mkdir(CACHE_DIR, { recursive: true });
const upstream = await startChild<{ url: string; delayMs: number; tokenDelayMs: number; tokens: number }>(
  'upstream',
  './fake-upstream.ts',
);
const dynalite = await startChild<{ endpoint: string }>('dynalite', './dynalite-server.ts');
const sink = await startChild<{ endpoint: string }>('eventbridge', './eventbridge-sink.ts');
const proxy = await startChild<{ url: string }>('minimal proxy', './minimal-proxy.ts', {
  env: { BENCH_UPSTREAM_URL: upstream.info.url },
});

const writeConfig = async (file: string, metrics: 'on' | 'off'): Promise<string> => {
  const path = join(CACHE_DIR, file);
  const config = {
    models: [
      {
        id: 'bench',
        provider: 'openai',
        upstreamModel: 'gpt-bench',
        baseUrl: upstream.info.url,
        apiKey: 'env:BENCH_UPSTREAM_KEY',
        pricing: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
      },
    ],
    // No default limits: the `limits-off` key has none, the `full-path` key sets its own.
    defaults: { limits: {} },
    // `on` as in Lambda, where `auto` turns the EMF metrics on.
    observability: { metrics },
  };
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
};
const configPath = await writeConfig('bench-router-config.json', 'on');
const configNoMetricsPath = await writeConfig('bench-router-config-no-metrics.json', 'off');
const routerEnv = (mode: 'lambda' | 'local-server'): NodeJS.ProcessEnv => ({
  BENCH_ROUTER_MODE: mode,
  ROUTER_CONFIG: configPath,
  BENCH_UPSTREAM_KEY: UPSTREAM_KEY,
  KEYS_TABLE: 'inference-router-local-keys',
  LIMITS_TABLE: 'inference-router-local-limits',
  USAGE_TABLE: 'inference-router-local-usage',
  DYNAMODB_ENDPOINT: dynalite.info.endpoint,
  EVENT_BUS_NAME: 'bench',
  EVENTBRIDGE_ENDPOINT: sink.info.endpoint,
  ADMIN_KEY,
  AWS_REGION: 'us-east-1',
  // The production stack logs at INFO: one JSON line per request (to /dev/null here).
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_SERVICE_NAME: 'inference-router-router',
});
const router = await startChild<{ url: string }>('router', './router-server.ts', {
  env: routerEnv('lambda'),
  execArgv: ['--expose-gc'],
});
const loader = await startChild<Record<string, never>>('load generator', './load-client.ts');
const stderrOf: Array<Child<unknown>> = [upstream, dynalite, sink, proxy, router, loader];

const createKey = async (url: string, body: Record<string, unknown>): Promise<string> => {
  const response = await fetch(`${url}/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const created = (await response.json()) as { key?: string };
  if (response.status !== 201 || !created.key)
    throw new Error(`creating a key failed: ${response.status} ${JSON.stringify(created)}`);
  return created.key;
};
const offKey = await createKey(router.info.url, { tenant: 'bench', name: 'limits-off' });
const fullKey = await createKey(router.info.url, {
  tenant: 'bench',
  name: 'full-path',
  limits: { rpm: 10_000_000, tpm: 10_000_000_000 },
});

const routerAtStart = await router.cpu();

const routerTarget = (name: string, key: string, body: string): Target => ({
  name,
  url: `${router.info.url}/v1/chat/completions`,
  headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  body,
});
const direct: Target = {
  name: 'direct',
  url: `${upstream.info.url}/chat/completions`,
  headers: { authorization: `Bearer ${UPSTREAM_KEY}`, 'content-type': 'application/json' },
  body: jsonBody,
};
const proxyTarget: Target = { ...direct, name: 'minimal proxy (reference)', url: `${proxy.info.url}/v1/chat/completions` };
const routerOff = routerTarget('router, limits off', offKey, jsonBody);
const routerFull = routerTarget('router, full path', fullKey, jsonBody);

interface Counts {
  dynamo: Record<string, number>;
  events: { calls: number; entries: number };
}
const counts = async (): Promise<Counts> => ({
  dynamo: await dynalite.call<Record<string, number>>('counts'),
  events: await sink.call<{ calls: number; entries: number }>('counts'),
});
const perRequest = (before: Counts, after: Counts, requests: number) => {
  const dynamo: Record<string, number> = {};
  for (const [name, count] of Object.entries(after.dynamo)) {
    const delta = count - (before.dynamo[name] ?? 0);
    if (delta > 0) dynamo[name] = delta / requests;
  }
  return {
    dynamo,
    dynamoTotal: Object.values(dynamo).reduce((sum, value) => sum + value, 0),
    putEvents: (after.events.calls - before.events.calls) / requests,
    events: (after.events.entries - before.events.entries) / requests,
  };
};
const describeCalls = (calls: ReturnType<typeof perRequest>): string => {
  const dynamo = Object.entries(calls.dynamo)
    .map(([name, value]) => `${name.replace('inference-router-local-', '')} ${fmt(value, 2)}`)
    .join(', ');
  return `DynamoDB ${fmt(calls.dynamoTotal, 2)}${dynamo ? ` (${dynamo})` : ''}; PutEvents ${fmt(calls.putEvents, 2)} (${fmt(calls.events, 2)} events)`;
};

// --- Unloaded latency: the sequential client ------------------------------------------------------

const GAP_MS = 5;
const jsonLatencyTable = (rows: SequentialResult[]) => {
  const base = rows[0] as SequentialResult;
  const reference = rows.find((row) => row.name.startsWith('minimal proxy'));
  const isRouter = (result: SequentialResult) => result.name.startsWith('router');
  return table(
    ['JSON, ms', 'p50', 'p90', 'p99', 'mean', 'vs direct p50', 'vs direct p99', 'vs direct mean', 'vs proxy p50', 'vs proxy p99'],
    rows.map((result) => [
      result.name,
      fmt(result.total.p50, 3),
      fmt(result.total.p90, 3),
      fmt(result.total.p99, 3),
      fmt(result.total.mean, 3),
      result === base ? '-' : fmt(result.total.p50 - base.total.p50, 3),
      result === base ? '-' : fmt(result.total.p99 - base.total.p99, 3),
      result === base ? '-' : fmt(result.total.mean - base.total.mean, 3),
      reference && isRouter(result) ? fmt(result.total.p50 - reference.total.p50, 3) : '-',
      reference && isRouter(result) ? fmt(result.total.p99 - reference.total.p99, 3) : '-',
    ]),
  );
};

section(`Unloaded latency: one request at a time, ${GAP_MS} ms apart (sequential client, performance.now(), interleaved)`);
const sequential = await loader.call<SequentialResult[]>('sequential', {
  targets: [direct, proxyTarget, routerOff, routerFull],
  requests: SEQUENTIAL,
  warmup: 200,
  stream: false,
  gapMs: GAP_MS,
});
const [seqDirect, , seqOff] = sequential as [SequentialResult, SequentialResult, SequentialResult, SequentialResult];
console.log(jsonLatencyTable(sequential));

const sseDirect: Target = { ...direct, name: 'direct', body: sseBody };
const sse = await loader.call<SequentialResult[]>('sequential', {
  targets: [
    sseDirect,
    { ...proxyTarget, body: sseBody },
    routerTarget('router, limits off', offKey, sseBody),
    routerTarget('router, full path', fullKey, sseBody),
  ],
  requests: SSE,
  warmup: 20,
  stream: true,
  gapMs: GAP_MS,
});
const [sseD, , sseOff] = sse as [SequentialResult, SequentialResult, SequentialResult, SequentialResult];
console.log('');
console.log(
  table(
    ['SSE time to first `data:`, ms', 'p50', 'p90', 'p99', 'vs direct p50', 'vs direct p99', 'whole stream p50'],
    sse.map((result) => [
      result.name,
      fmt(result.first.p50, 3),
      fmt(result.first.p90, 3),
      fmt(result.first.p99, 3),
      result === sseD ? '-' : fmt(result.first.p50 - sseD.first.p50, 3),
      result === sseD ? '-' : fmt(result.first.p99 - sseD.first.p99, 3),
      fmt(result.total.p50, 2),
    ]),
  ),
);
note(
  `Upstream: JSON answered after ${upstream.info.delayMs} ms; streams of ${upstream.info.tokens} content events ${upstream.info.tokenDelayMs} ms apart, the first at once. The ${GAP_MS} ms between requests let the router finish the previous request's after-response work (usage event, reconciliation, log line, metrics), as a Lambda instance does before it is given the next request.`,
);

const backToBack = await loader.call<SequentialResult[]>('sequential', {
  targets: [direct, proxyTarget, routerOff],
  requests: Math.ceil(SEQUENTIAL / 3),
  warmup: 100,
  stream: false,
  gapMs: 0,
});
console.log('');
console.log('Back to back (no gap): one process serves the next request while it finishes the last one');
console.log('');
console.log(jsonLatencyTable(backToBack));
results.sequential = { gapMs: GAP_MS, json: sequential, sse, backToBack };

// --- In process: the handler's own time -----------------------------------------------------------

section('In process: the router handler invoked directly (no HTTP in front), one invocation at a time');
const inProcessRows: string[][] = [];
const inProcessResults: Record<
  string,
  InProcessResult & { calls: ReturnType<typeof perRequest>; logBytes: { stdout: number; stderr: number } }
> = {};
const withoutEvents = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...env,
  EVENT_BUS_NAME: undefined,
  EVENTBRIDGE_ENDPOINT: undefined,
});
const lambdaEnv = routerEnv('lambda');
const variants: Array<{ name: string; key: string; env: NodeJS.ProcessEnv }> = [
  { name: 'full path', key: fullKey, env: lambdaEnv },
  { name: 'limits off', key: offKey, env: lambdaEnv },
  { name: 'limits off, EMF metrics off', key: offKey, env: { ...lambdaEnv, ROUTER_CONFIG: configNoMetricsPath } },
  { name: 'limits off, no usage event', key: offKey, env: withoutEvents(lambdaEnv) },
  { name: 'limits off, log level WARN', key: offKey, env: { ...lambdaEnv, POWERTOOLS_LOG_LEVEL: 'WARN' } },
  {
    name: 'limits off, none of the three',
    key: offKey,
    env: { ...withoutEvents(lambdaEnv), ROUTER_CONFIG: configNoMetricsPath, POWERTOOLS_LOG_LEVEL: 'WARN' },
  },
];
for (const { name, key, env } of variants) {
  const inProcess = await startChild<Record<string, never>>(`in-process (${name})`, './in-process.ts', {
    env,
    stdout: 'count',
  });
  stderrOf.push(inProcess);
  // Warm-up first, so the counts below cover exactly the measured requests.
  await inProcess.call<InProcessResult>('run', { key, body: jsonBody, upstreamUrl: upstream.info.url, requests: 150, warmup: 0 });
  await sleep(100);
  const before = await counts();
  const outputBefore = { ...inProcess.output };
  const result = await inProcess.call<InProcessResult>('run', {
    key,
    body: jsonBody,
    upstreamUrl: upstream.info.url,
    requests: IN_PROCESS,
    warmup: 0,
  });
  await sleep(100);
  const calls = perRequest(before, await counts(), IN_PROCESS);
  const logBytes = {
    stdout: (inProcess.output.stdoutBytes - outputBefore.stdoutBytes) / IN_PROCESS,
    stderr: (inProcess.output.stderrBytes - outputBefore.stderrBytes) / IN_PROCESS,
  };
  inProcessResults[name] = { ...result, calls, logBytes };
  inProcessRows.push([
    name,
    fmt(result.response.p50, 3),
    fmt(result.response.p99, 3),
    fmt(result.invocation.p50, 3),
    fmt(result.invocation.p99, 3),
    fmt(result.upstreamDirect.p50, 3),
    fmt(result.response.p50 - result.upstreamDirect.p50, 3),
    fmt(result.invocation.mean - result.upstreamDirect.mean, 3),
    fmt(result.cpuMicrosPerRequest / 1000, 3),
  ]);
  await inProcess.stop();
}
console.log(
  table(
    [
      'JSON, ms',
      'response p50',
      'response p99',
      'invocation p50',
      'invocation p99',
      'upstream alone p50',
      'own time to response p50',
      'own time, whole invocation (mean)',
      'CPU ms/request',
    ],
    inProcessRows,
  ),
);
console.log('');
console.log(
  table(
    ['per request (counted at the servers)', 'AWS calls', 'log bytes (stdout + stderr)'],
    Object.entries(inProcessResults).map(([name, result]) => [
      name,
      describeCalls(result.calls),
      `${fmtInt(result.logBytes.stdout + result.logBytes.stderr)} (${fmtInt(result.logBytes.stdout)} + ${fmtInt(result.logBytes.stderr)})`,
    ]),
  ),
);
note(
  'response: until the last byte is written; invocation: until the handler returns, after-response work included (reconciliation, PutEvents, log line, EMF metrics): what Lambda bills. "upstream alone": the same request made with fetch from the same process, interleaved; "own" subtracts its p50 (or mean). CPU: the whole process (all threads), the reference fetches excluded. The variants switch off, one at a time, the EMF metrics (observability.metrics off), the usage event (no EVENT_BUS_NAME) and the INFO request log line.',
);
results.inProcess = inProcessResults;

// --- Client costs: one outgoing call ---------------------------------------------------------------

section('What one outgoing call costs the router process (client side, sequential)');
const clientCosts = await startChild<Record<string, never>>('client costs', './client-costs.ts');
stderrOf.push(clientCosts);
const costs = await clientCosts.call<Array<{ name: string; calls: number; cpuMicrosPerCall: number; wallMicrosPerCall: number }>>(
  'run',
  {
    upstreamUrl: upstream.info.url,
    dynamoEndpoint: dynalite.info.endpoint,
    eventsEndpoint: sink.info.endpoint,
    limitsTable: 'inference-router-local-limits',
    calls: 1000,
  },
);
await clientCosts.stop();
console.log(
  table(
    ['client', 'calls', 'CPU µs/call', 'round trip µs/call'],
    costs.map((cost) => [cost.name, fmtInt(cost.calls), fmtInt(cost.cpuMicrosPerCall), fmtInt(cost.wallMicrosPerCall)]),
  ),
);
note(
  'CPU of the calling process only (all threads); the servers are other processes. The round trip includes the server (dynalite for UpdateItem).',
);
results.clientCosts = costs;

// --- Under load: autocannon -----------------------------------------------------------------------

const measured: Array<Child<unknown>> = [upstream, dynalite, sink, router, proxy];

/** CPU time the whole machine spent busy (all processes, kernel included), microseconds, from /proc/stat. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const machineBusyMicros = (): number => {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return ((user + nice + system + irq + softirq + steal) / CLOCK_TICKS) * 1_000_000;
};

interface LoadRow {
  scenario: string;
  result: LoadResult;
  /** Cores used during the run, per process, load generator last. */
  cores: number[];
  /** Cores used by everything else on the machine (other processes, kernel work not charged to ours). */
  otherCores: number;
  calls: ReturnType<typeof perRequest>;
}

/**
 * One autocannon run: `processes` are the ones whose CPU is read (the load generator is added last),
 * `server` the one asked to finish its after-response work before and after.
 */
const loadRun = async (
  scenario: string,
  target: Target,
  connections: number,
  warmup = WARMUP,
  processes: Array<Child<unknown>> = measured,
  server: Child<unknown> = router,
): Promise<LoadRow> => {
  const sampleCpu = async (): Promise<CpuSample[]> => Promise.all(processes.map((child) => child.cpu()));
  if (warmup > 0) await loader.call<LoadResult>('load', { target, connections, durationSec: warmup });
  await server.call('idle');
  await sleep(200);
  const before = await counts();
  const cpuBefore = await sampleCpu();
  const busyBefore = machineBusyMicros();
  const started = performance.now();
  const result = await loader.call<LoadResult>('load', { target, connections, durationSec: DURATION });
  const wallMicros = (performance.now() - started) * 1000;
  const busyAfter = machineBusyMicros();
  const cpuAfter = await sampleCpu();
  // Requests cut off by the end of the run still finish their after-response work: wait for it.
  await server.call('idle');
  await sleep(100);
  const calls = perRequest(before, await counts(), result.requests);
  const cores = [
    ...cpuAfter.map((sample, index) => (sample.cpuMicros - (cpuBefore[index]?.cpuMicros ?? 0)) / wallMicros),
    result.cpuMicros / wallMicros,
  ];
  const otherCores = Math.max(0, (busyAfter - busyBefore) / wallMicros - cores.reduce((sum, value) => sum + value, 0));
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    console.log(
      `  ! ${scenario} c=${connections}: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`,
    );
  }
  return { scenario, result, cores, otherCores, calls };
};

section(`Under load: autocannon, ${DURATION}s per run after ${WARMUP}s warm-up (latency in ms, 1 ms resolution)`);
const loadRows: LoadRow[] = [];
for (const connections of CONNECTIONS) {
  loadRows.push(await loadRun('direct', direct, connections));
  if (connections === Math.max(...CONNECTIONS))
    loadRows.push(await loadRun('minimal proxy (reference)', proxyTarget, connections));
  loadRows.push(await loadRun('router, limits off', routerOff, connections));
  loadRows.push(await loadRun('router, full path', routerFull, connections));
}
const directAt = (connections: number) =>
  loadRows.find((row) => row.scenario === 'direct' && row.result.connections === connections)?.result;
console.log(
  table(
    ['scenario', 'conns', 'req/s', 'p50', 'p90', 'p99', 'mean', 'Δp50 vs direct', 'Δp99 vs direct', 'errors'],
    loadRows.map((row) => {
      const base = directAt(row.result.connections);
      const isDirect = row.scenario === 'direct';
      return [
        row.scenario,
        String(row.result.connections),
        fmtInt(row.result.rps),
        fmt(row.result.latency.p50, 0),
        fmt(row.result.latency.p90, 0),
        fmt(row.result.latency.p99, 0),
        fmt(row.result.latency.mean, 2),
        isDirect || !base ? '-' : fmt(row.result.latency.p50 - base.latency.p50, 0),
        isDirect || !base ? '-' : fmt(row.result.latency.p99 - base.latency.p99, 0),
        String(row.result.errors + row.result.non2xx + row.result.timeouts),
      ];
    }),
  ),
);
console.log('');
const processNames = ['upstream', 'dynalite', 'EventBridge sink', 'router', 'proxy', 'autocannon'];
console.log(
  table(
    ['CPU, cores used (of 2)', 'conns', ...processNames, 'total', 'dynalite share', 'rest of the machine'],
    loadRows.map((row) => {
      const total = row.cores.reduce((sum, value) => sum + value, 0);
      return [
        row.scenario,
        String(row.result.connections),
        ...row.cores.map((value) => fmt(value, 2)),
        fmt(total, 2),
        row.scenario === 'router, full path' ? `${fmt(((row.cores[1] ?? 0) / total) * 100, 0)}%` : '-',
        fmt(row.otherCores, 2),
      ];
    }),
  ),
);
console.log('');
console.log(
  table(
    ['calls per request under load (approx.)', 'conns', 'AWS calls'],
    loadRows
      .filter((row) => row.scenario.startsWith('router'))
      .map((row) => [row.scenario, String(row.result.connections), describeCalls(row.calls)]),
  ),
);
results.load = loadRows;

// --- Memory: repeated full-path runs --------------------------------------------------------------

const maxConnections = Math.max(...CONNECTIONS);
section(`Memory: router process RSS, ${REPEATS} more full-path runs at ${maxConnections} connections`);
interface MemorySample {
  after: string;
  rssMb: number;
  heapMb: number;
  heapTotalMb: number;
  /** Heap still used after a full collection: what is retained rather than garbage. */
  heapAfterGcMb?: number;
  rps?: number;
}
const memorySample = async (after: string, rps?: number): Promise<MemorySample> => {
  const sample = await router.cpu();
  const collected = await router.call<{ heapUsedBytes: number }>('gc');
  return {
    after,
    rssMb: sample.rssBytes / MB,
    heapMb: sample.heapUsedBytes / MB,
    heapTotalMb: sample.heapTotalBytes / MB,
    heapAfterGcMb: collected.heapUsedBytes / MB,
    ...(rps === undefined ? {} : { rps }),
  };
};
const rss: MemorySample[] = [await memorySample('the load runs above')];
const repeats: LoadRow[] = [];
for (let i = 1; i <= REPEATS; i++) {
  const row = await loadRun('router, full path', routerFull, maxConnections, 0);
  repeats.push(row);
  rss.push(await memorySample(`repeat ${i}`, row.result.rps));
}
console.log(
  table(
    ['after', 'RSS MB', 'V8 heap size MB', 'heap used MB', 'heap after a full GC, MB', 'req/s of the run'],
    [
      [
        'start (keys created, no load yet)',
        fmt(routerAtStart.rssBytes / MB, 1),
        fmt(routerAtStart.heapTotalBytes / MB, 1),
        fmt(routerAtStart.heapUsedBytes / MB, 1),
        '-',
        '-',
      ],
      ...rss.map((entry) => [
        entry.after,
        fmt(entry.rssMb, 1),
        fmt(entry.heapTotalMb, 1),
        fmt(entry.heapMb, 1),
        fmt(entry.heapAfterGcMb, 1),
        entry.rps === undefined ? '-' : fmtInt(entry.rps),
      ]),
    ],
  ),
);
const firstRss = rss[0]?.rssMb ?? Number.NaN;
const lastRss = rss.at(-1)?.rssMb ?? Number.NaN;
const maxRss = Math.max(...rss.map((entry) => entry.rssMb));
const growth = (maxRss - firstRss) / firstRss;
const upstreamMem = await upstream.cpu();
const dynaliteMem = await dynalite.cpu();
note(
  `Growth from the first to the highest sample: ${fmt(growth * 100, 1)}%. Other processes after the runs: upstream ${fmt(upstreamMem.rssBytes / MB, 0)} MB, dynalite ${fmt(dynaliteMem.rssBytes / MB, 0)} MB.`,
);
results.memory = { atStartMb: routerAtStart.rssBytes / MB, samples: rss };

// --- Peer: the Portkey gateway, and npm start's stack ---------------------------------------------

// The Lambda router's process is done; the peer comparison runs `npm start`'s stack as `npm start`
// runs it (router, local EventBridge bus and metering consumer in one process, DynamoDB persisted on
// disk, default log level and metrics) against the Portkey AI gateway, an open-source proxy with no
// keys, limits, metering or persistence, forwarding to the same upstream.
await router.stop();
section(`Peer: the Portkey AI gateway and \`npm start\`'s stack (data persisted, limits on, usage metered)`);
const portkey = await startChild<{ url: string }>('Portkey gateway', './portkey-gateway.ts', {
  args: ['--port=0', '--headless'],
});
const localDataDir = join(CACHE_DIR, 'npm-start-data');
await rm(localDataDir, { recursive: true, force: true });
const localConfigPath = join(CACHE_DIR, 'bench-npm-start-config.json');
// The router's config without the `observability` override: `npm start`'s defaults (no EMF metrics).
await writeFile(
  localConfigPath,
  JSON.stringify({ ...JSON.parse(readFileSync(configPath, 'utf8')), observability: undefined }, null, 2),
);
const localServer = await startChild<{ url: string; dataDir: string }>('npm start stack', './router-server.ts', {
  env: {
    BENCH_ROUTER_MODE: 'local-server',
    ROUTER_CONFIG: localConfigPath,
    BENCH_UPSTREAM_KEY: UPSTREAM_KEY,
    BENCH_LOCAL_DATA_DIR: localDataDir,
    ADMIN_KEY,
    AWS_REGION: 'us-east-1',
  },
  execArgv: ['--expose-gc'],
});
stderrOf.push(portkey, localServer);
const localKey = await createKey(localServer.info.url, {
  tenant: 'bench',
  name: 'full-path',
  limits: { rpm: 10_000_000, tpm: 10_000_000_000 },
});
const localOffKey = await createKey(localServer.info.url, { tenant: 'bench', name: 'limits-off' });
const localAtStart = await localServer.cpu();
const localTarget: Target = {
  name: 'npm start stack, full path',
  url: `${localServer.info.url}/v1/chat/completions`,
  headers: { authorization: `Bearer ${localKey}`, 'content-type': 'application/json' },
  body: jsonBody,
};
// Portkey's own headers pick the provider and its base URL (its default list of trusted custom hosts
// includes 127.0.0.1); the upstream key goes through as the client's bearer token.
const portkeyTarget: Target = {
  name: 'Portkey gateway (proxy only)',
  url: `${portkey.info.url}/v1/chat/completions`,
  headers: { ...direct.headers, 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstream.info.url },
  body: jsonBody,
};

// The minimal proxy and a key without limits show where the stack's overhead goes: one more
// process in the path, the router's own work, and the admission's conditional write.
const localOffTarget: Target = {
  ...localTarget,
  name: 'npm start stack, limits off (reference)',
  headers: { ...localTarget.headers, authorization: `Bearer ${localOffKey}` },
};
const peerSequential = await loader.call<SequentialResult[]>('sequential', {
  targets: [direct, proxyTarget, portkeyTarget, localOffTarget, localTarget],
  requests: SEQUENTIAL,
  warmup: 200,
  stream: false,
  gapMs: GAP_MS,
});
const [peerDirect, , peerPortkey, , peerLocal] = peerSequential as [
  SequentialResult,
  SequentialResult,
  SequentialResult,
  SequentialResult,
  SequentialResult,
];
console.log(`Unloaded: one request at a time, ${GAP_MS} ms apart, interleaved (sequential client)`);
console.log('');
console.log(
  table(
    ['JSON, ms', 'p50', 'p90', 'p99', 'mean', 'vs direct p50', 'vs direct p99', 'vs direct mean'],
    peerSequential.map((result) => [
      result.name,
      fmt(result.total.p50, 3),
      fmt(result.total.p90, 3),
      fmt(result.total.p99, 3),
      fmt(result.total.mean, 3),
      result === peerDirect ? '-' : fmt(result.total.p50 - peerDirect.total.p50, 3),
      result === peerDirect ? '-' : fmt(result.total.p99 - peerDirect.total.p99, 3),
      result === peerDirect ? '-' : fmt(result.total.mean - peerDirect.total.mean, 3),
    ]),
  ),
);

// Two rounds, the two interleaved, so that a drift of the machine weighs on both alike.
const peerProcesses: Array<Child<unknown>> = [upstream, portkey, localServer];
const peerRows: LoadRow[] = [];
for (let round = 0; round < 2; round++) {
  peerRows.push(await loadRun(portkeyTarget.name, portkeyTarget, maxConnections, WARMUP, peerProcesses, portkey));
  peerRows.push(await loadRun(localTarget.name, localTarget, maxConnections, WARMUP, peerProcesses, localServer));
}
const peerRps = (name: string): number => {
  const rows = peerRows.filter((row) => row.scenario === name);
  return rows.reduce((sum, row) => sum + row.result.requests, 0) / rows.reduce((sum, row) => sum + row.result.durationSec, 0);
};
const portkeyRps = peerRps(portkeyTarget.name);
const localRps = peerRps(localTarget.name);
console.log('');
console.log(`Under load: autocannon, ${maxConnections} connections, ${DURATION}s per run after ${WARMUP}s warm-up, two rounds`);
console.log('');
console.log(
  table(
    [
      'scenario',
      'req/s',
      'p50',
      'p90',
      'p99',
      'errors',
      'upstream cores',
      'Portkey cores',
      'npm start cores',
      'autocannon cores',
      'rest of the machine',
      'CPU ms/request (server)',
    ],
    peerRows.map((row) => {
      const serverCores = row.scenario === portkeyTarget.name ? (row.cores[1] ?? 0) : (row.cores[2] ?? 0);
      return [
        row.scenario,
        fmtInt(row.result.rps),
        fmt(row.result.latency.p50, 0),
        fmt(row.result.latency.p90, 0),
        fmt(row.result.latency.p99, 0),
        String(row.result.errors + row.result.non2xx + row.result.timeouts),
        ...row.cores.map((value) => fmt(value, 2)),
        fmt(row.otherCores, 2),
        fmt((serverCores * 1000) / row.result.rps, 2),
      ];
    }),
  ),
);
note(
  `Mean of the two rounds: Portkey ${fmtInt(portkeyRps)} req/s, npm start's stack ${fmtInt(localRps)} req/s (${fmt(localRps / portkeyRps, 2)}x). npm start cores: the whole process, all threads (the router, the local bus and metering consumer, and the embedded DynamoDB's thread).`,
);

// Memory of npm start's stack under sustained load: the archive of its local bus is bounded.
interface PeerMemory {
  after: string;
  rssMb: number;
  heapAfterGcMb: number;
  archivedEvents: number;
  rps?: number;
}
const localMemory = async (after: string, rps?: number): Promise<PeerMemory> => {
  const sample = await localServer.cpu();
  const collected = await localServer.call<{ heapUsedBytes: number }>('gc');
  const stats = await localServer.call<{ archivedEvents: number }>('stats');
  return {
    after,
    rssMb: sample.rssBytes / MB,
    heapAfterGcMb: collected.heapUsedBytes / MB,
    archivedEvents: stats.archivedEvents,
    ...(rps === undefined ? {} : { rps }),
  };
};
const localRss: PeerMemory[] = [await localMemory('the runs above')];
for (let i = 1; i <= REPEATS; i++) {
  const row = await loadRun(localTarget.name, localTarget, maxConnections, 0, peerProcesses, localServer);
  localRss.push(await localMemory(`repeat ${i}`, row.result.rps));
}
const servedByLocal = await localServer.call<{ requests: number }>('stats');
console.log('');
console.log(`npm start's stack: memory over ${REPEATS} more runs at ${maxConnections} connections`);
console.log('');
console.log(
  table(
    ['after', 'RSS MB', 'heap after a full GC, MB', 'events in the bus archive', 'req/s of the run'],
    [
      ['start (key created, no load yet)', fmt(localAtStart.rssBytes / MB, 1), '-', '-', '-'],
      ...localRss.map((entry) => [
        entry.after,
        fmt(entry.rssMb, 1),
        fmt(entry.heapAfterGcMb, 1),
        fmtInt(entry.archivedEvents),
        entry.rps === undefined ? '-' : fmtInt(entry.rps),
      ]),
    ],
  ),
);
const localFirstRss = localRss[0]?.rssMb ?? Number.NaN;
const localGrowth = (Math.max(...localRss.map((entry) => entry.rssMb)) - localFirstRss) / localFirstRss;
const dataBytes = Number(execFileSync('du', ['-sb', localDataDir], { encoding: 'utf8' }).split('\t')[0]);
note(
  `Growth from the first to the highest sample: ${fmt(localGrowth * 100, 1)}%. The archive keeps the latest 10,000 events. ${fmtInt(servedByLocal.requests)} requests served; their limits and usage are on disk in ${fmt(dataBytes / MB, 1)} MB (LevelDB, ${localDataDir}).`,
);
note(
  "Portkey: `@portkey-ai/gateway`'s own entry point (build/start-server.js --headless) in its own process, made to listen on 127.0.0.1 only and refused any connection but loopback (bench/portkey-gateway.ts); requests name the provider (`x-portkey-provider: openai`) and the fake upstream (`x-portkey-custom-host`). Its streaming answers fail on this Node version (TypeError: immutable, Portkey issue #1389), so the comparison is JSON only.",
);
const peerOverhead = {
  portkeyP50: peerPortkey.total.p50 - peerDirect.total.p50,
  localP50: peerLocal.total.p50 - peerDirect.total.p50,
};
results.peer = {
  sequential: peerSequential,
  load: peerRows,
  portkeyRps,
  localRps,
  overhead: peerOverhead,
  memory: { atStartMb: localAtStart.rssBytes / MB, samples: localRss, growth: localGrowth },
  dataBytes,
};
await Promise.all([localServer.stop(), portkey.stop()]);
await rm(localDataDir, { recursive: true, force: true });

// --- Targets ---------------------------------------------------------------------------------------

const fullAt50 = loadRows.find((row) => row.scenario === 'router, full path' && row.result.connections === maxConnections);
const fullRpsAll = [fullAt50?.result.rps ?? Number.NaN, ...repeats.map((row) => row.result.rps)];
const fullRps = Math.min(...fullRpsAll);
const dynaliteShare = fullAt50 ? (fullAt50.cores[1] ?? 0) / fullAt50.cores.reduce((sum, value) => sum + value, 0) : Number.NaN;

const check = (
  target: string,
  goal: string,
  value: number,
  limit: number,
  unit: string,
  higherIsBetter = false,
  decimals = 2,
) => {
  const met = higherIsBetter ? value >= limit : value <= limit;
  const by = met ? '' : `${fmt(Math.abs(value - limit), decimals)} ${unit} (${fmt((Math.abs(value - limit) / limit) * 100, 0)}%)`;
  targets.push({ target, goal, measured: `${fmt(value, decimals)} ${unit}`, met, by });
};
check('router overhead p50, unloaded, limits off', '<= 0.3 ms', seqOff.total.p50 - seqDirect.total.p50, 0.3, 'ms', false, 3);
check('router overhead p99, unloaded, limits off', '<= 2 ms', seqOff.total.p99 - seqDirect.total.p99, 2, 'ms', false, 3);
check('SSE time to first byte vs direct, p50', '<= +2 ms', sseOff.first.p50 - sseD.first.p50, 2, 'ms', false, 3);
check('SSE time to first byte vs direct, p99', '<= +2 ms', sseOff.first.p99 - sseD.first.p99, 2, 'ms', false, 3);
check(
  `full path throughput at ${maxConnections} connections (lowest of ${fullRpsAll.length} runs)`,
  '>= 1,000 req/s',
  fullRps,
  1000,
  'req/s',
  true,
  0,
);
check('router bundle, minified (1 KB = 1,000 bytes)', '<= 300 KB', routerBytes / 1000, 300, 'KB', false, 1);
check(
  'router bundle with tracing (as prod.json deploys it)',
  '<= 300 KB',
  (bundles.sizes[1]?.bytes ?? Number.NaN) / 1000,
  300,
  'KB',
  false,
  1,
);
check('router bundle import, median of fresh processes', '<= 80 ms', routerImport, 80, 'ms', false, 1);
check('router bundle with tracing, import', '<= 80 ms', imports[2]?.importMs ?? Number.NaN, 80, 'ms', false, 1);
check('routing model file (1 KB = 1,000 bytes)', '<= 300 KB', routingModel.fileBytes / 1000, 300, 'KB', false, 1);
check(
  'routing classifier, 2 KB prompt, p50',
  '<= 50 us',
  routingModel.scoring.find((row) => row.chars === 2_000)?.modelP50Us ?? Number.NaN,
  50,
  'us',
  false,
  1,
);
check(
  'routing classifier, 100 KB prompt, p50',
  '<= 2,000 us',
  routingModel.scoring.find((row) => row.chars === 100_000)?.modelP50Us ?? Number.NaN,
  2000,
  'us',
  false,
  0,
);
check('routing model load at init', '<= 10 ms', routingModel.loadMs, 10, 'ms', false, 1);
check(
  'output guard, stream with a value without end, 16-character chunks (slowest case)',
  '>= 20,000 chunks/s',
  Math.min(...outputGuard.filter((row) => row.name !== 'ordinary prose').map((row) => row.chunksPerSecond)),
  20_000,
  'chunks/s',
  true,
  0,
);
check('router RSS after load', '< 150 MB', lastRss, 150, 'MB', false, 1);
check(`router RSS growth across ${REPEATS} repeated runs`, '< 10%', growth * 100, 10, '%', false, 1);
check(
  `npm start stack req/s / Portkey req/s, ${maxConnections} connections (persisted, limits on, metered; same run)`,
  '>= 0.5x',
  localRps / portkeyRps,
  0.5,
  'x',
  true,
  2,
);
check('npm start stack overhead p50, unloaded, full path (vs direct)', '<= 1.5 ms', peerOverhead.localP50, 1.5, 'ms', false, 3);
// The 1.5 ms target was set where Portkey's own overhead was 0.9 ms: as a ratio in one run, <= 1.67x Portkey's.
check(
  'npm start stack overhead p50 / Portkey overhead p50, unloaded (1.5 ms where Portkey took 0.9)',
  '<= 1.67x',
  peerOverhead.localP50 / peerOverhead.portkeyP50,
  1.5 / 0.9,
  'x',
  false,
  2,
);
check(`npm start stack RSS growth across ${REPEATS} more runs`, '< 10%', localGrowth * 100, 10, '%', false, 1);

section('Targets (2 cores, load generator included)');
console.log(
  table(
    ['target', 'goal', 'measured', 'result'],
    targets.map((entry) => [entry.target, entry.goal, entry.measured, entry.met ? 'met' : `missed by ${entry.by}`]),
  ),
);
note(
  `The embedded DynamoDB (dynalite) took ${fmt(dynaliteShare * 100, 0)}% of the CPU used in the full-path run at ${maxConnections} connections (${fmt(fullAt50?.cores[1], 2)} of ${fmt(
    fullAt50?.cores.reduce((sum, value) => sum + value, 0),
    2,
  )} cores); in AWS that work is DynamoDB's, not the router's.`,
);
results.targets = targets;
results.dynaliteShare = dynaliteShare;

const noisy = stderrOf.filter((child) => child.stderr.size > 0);
if (noisy.length > 0) {
  section('What the processes wrote to stderr (lines counted by text)');
  for (const child of noisy) {
    for (const [line, count] of [...child.stderr].sort((a, b) => b[1] - a[1]).slice(0, 5)) {
      console.log(`- ${child.name}: ${fmtInt(count)} x ${line}`);
    }
  }
}
results.stderr = Object.fromEntries(noisy.map((child) => [child.name, Object.fromEntries(child.stderr)]));

const resultsFile = join(CACHE_DIR, 'results.json');
await writeFile(resultsFile, JSON.stringify(results, null, 2));
console.log(`\nAll figures as JSON: ${resultsFile}. The benchmark took ${fmt(performance.now() / 60_000, 1)} minutes.`);

await Promise.all([loader.stop(), upstream.stop(), dynalite.stop(), sink.stop(), proxy.stop()]);
