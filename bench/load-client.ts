import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { serve } from './ipc.ts';
import { type Summary, summarize } from './stats.ts';

// The load generator, in its own process: autocannon for throughput and latency under load, and
// a sequential client (node:http, keep-alive, `performance.now()`) for sub-millisecond latencies
// and streaming time to first byte, which autocannon's 1 ms histogram cannot resolve.

export interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  connections: number;
  durationSec: number;
  requests: number;
  rps: number;
  /** Milliseconds, as autocannon records them (1 ms resolution). */
  latency: { mean: number; p50: number; p90: number; p99: number; max: number };
  errors: number;
  non2xx: number;
  timeouts: number;
  /** CPU time of this process (autocannon) during the run, microseconds. */
  cpuMicros: number;
}

const load = async (args: { target: Target; connections: number; durationSec: number }): Promise<LoadResult> => {
  const before = process.cpuUsage();
  const result = await autocannon({
    url: args.target.url,
    method: 'POST',
    headers: args.target.headers,
    body: args.target.body,
    connections: args.connections,
    duration: args.durationSec,
    timeout: 30,
  });
  const cpu = process.cpuUsage(before);
  const requests = result['2xx'];
  return {
    connections: args.connections,
    durationSec: result.duration,
    requests,
    rps: requests / result.duration,
    latency: {
      mean: result.latency.mean,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    errors: result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    cpuMicros: cpu.user + cpu.system,
  };
};

interface Timing {
  /** Request written to the first `data:` bytes of the body (streams) or to the end of the body. */
  firstMs: number;
  totalMs: number;
}

const agents = new Map<string, Agent>();
const agentFor = (name: string): Agent => {
  let agent = agents.get(name);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.set(name, agent);
  }
  return agent;
};

const timeRequest = (target: Target, stream: boolean): Promise<Timing> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    let first: number | undefined;
    const req = request(
      target.url,
      {
        method: 'POST',
        agent: agentFor(target.name),
        headers: { ...target.headers, 'content-length': String(Buffer.byteLength(target.body)) },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (part: string) => {
          if (first === undefined && (!stream || part.includes('data:'))) first = performance.now();
          body += part;
        });
        res.on('end', () => {
          const end = performance.now();
          if (res.statusCode !== 200) {
            reject(new Error(`${target.name}: HTTP ${res.statusCode}: ${body.slice(0, 300)}`));
            return;
          }
          if (stream && !body.includes('data: [DONE]')) {
            reject(new Error(`${target.name}: the stream did not end with [DONE]`));
            return;
          }
          resolve({ firstMs: (stream ? (first ?? end) : end) - started, totalMs: end - started });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(target.body);
  });

export interface SequentialResult {
  name: string;
  /** Time to the end of the body (JSON) or to the first `data:` bytes (streams), ms. */
  first: Summary;
  total: Summary;
}

/**
 * One request at a time, the targets interleaved (each round starts with the next target), so
 * slow drifts of the machine affect every target alike. Warm-up rounds are not recorded. With
 * `gapMs`, each request waits that long after the previous one, so the router has finished the
 * previous request's after-response work (as a Lambda instance has before it gets the next one).
 */
const sequential = async (args: {
  targets: Target[];
  requests: number;
  warmup: number;
  stream: boolean;
  gapMs: number;
}): Promise<SequentialResult[]> => {
  const { targets } = args;
  const first = targets.map(() => [] as number[]);
  const total = targets.map(() => [] as number[]);
  for (let round = 0; round < args.warmup + args.requests; round++) {
    for (let k = 0; k < targets.length; k++) {
      const index = (round + k) % targets.length;
      if (args.gapMs > 0) await sleep(args.gapMs);
      const timing = await timeRequest(targets[index] as Target, args.stream);
      if (round < args.warmup) continue;
      first[index]?.push(timing.firstMs);
      total[index]?.push(timing.totalMs);
    }
  }
  return targets.map((target, index) => ({
    name: target.name,
    first: summarize(first[index] ?? []),
    total: summarize(total[index] ?? []),
  }));
};

serve({ load, sequential }, {});
