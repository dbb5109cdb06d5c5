import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The benchmark runs each actor in its own process (fake upstream, DynamoDB, EventBridge sink,
// router, load generator) so their CPU can be told apart on a small machine. Each child is forked
// with an IPC channel: it says `ready` once listening and answers named calls. Every child exits
// when the channel closes, so none outlives the benchmark, even if the parent is killed.

interface CallMessage {
  type: 'call';
  id: number;
  op: string;
  args: unknown;
}

interface ReplyMessage {
  type: 'reply';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

interface ReadyMessage {
  type: 'ready';
  info: unknown;
}

export interface CpuSample {
  /** CPU time (user + system) of the whole process, all threads, in microseconds. */
  cpuMicros: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** Memory of C++ objects bound to JS (buffers included). */
  externalBytes: number;
}

// biome-ignore lint/suspicious/noExplicitAny: each child declares its own argument shapes.
type Handler = (args: any) => unknown;

/** Child side: answers calls from the parent; `cpu` is built in. Exits when the parent goes away. */
export const serve = (handlers: Record<string, Handler>, info: unknown): void => {
  const all: Record<string, Handler> = {
    cpu: (): CpuSample => {
      const usage = process.cpuUsage();
      const memory = process.memoryUsage();
      return {
        cpuMicros: usage.user + usage.system,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
        externalBytes: memory.external,
      };
    },
    ...handlers,
  };
  process.on('message', (message: CallMessage) => {
    if (message?.type !== 'call') return;
    const reply = (body: Omit<ReplyMessage, 'type' | 'id'>) => process.send?.({ type: 'reply', id: message.id, ...body });
    const handler = all[message.op];
    if (!handler) {
      reply({ ok: false, error: `unknown op ${message.op}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.args))
      .then(
        (value) => reply({ ok: true, value }),
        (error: unknown) => reply({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', info });
};

export interface Child<Info> {
  name: string;
  pid: number;
  info: Info;
  process: ChildProcess;
  /** Lines the child wrote to stderr, counted by text (first 160 characters): warnings must not flood the report. */
  stderr: Map<string, number>;
  /** Bytes written so far (stdout only counted with `stdout: 'count'`): in Lambda, both go to CloudWatch Logs. */
  output: { stdoutBytes: number; stderrBytes: number };
  call<T>(op: string, args?: unknown): Promise<T>;
  cpu(): Promise<CpuSample>;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
let cleanupInstalled = false;

const killAll = (): void => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
};

/** Kills every child on exit, Ctrl-C, SIGTERM and uncaught errors. */
const installCleanup = (): void => {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
};

/** Forks `bench/<file>` and waits for its `ready` message. */
export const startChild = async <Info>(
  name: string,
  file: string,
  options: { args?: string[]; env?: NodeJS.ProcessEnv; stdout?: 'ignore' | 'count'; execArgv?: string[] } = {},
): Promise<Child<Info>> => {
  installCleanup();
  // An `undefined` value removes the variable.
  const env = Object.fromEntries(
    Object.entries({ ...process.env, ...options.env }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), options.args ?? [], {
    env,
    stdio: ['ignore', options.stdout === 'count' ? 'pipe' : 'ignore', 'pipe', 'ipc'],
    ...(options.execArgv ? { execArgv: options.execArgv } : {}),
  });
  children.add(child);
  let stopping = false;
  const stderr = new Map<string, number>();
  const output = { stdoutBytes: 0, stderrBytes: 0 };
  child.stdout?.on('data', (chunk: Buffer) => {
    output.stdoutBytes += chunk.length;
  });
  const recent: string[] = [];
  let partial = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    output.stderrBytes += Buffer.byteLength(text);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      recent.push(line);
      if (recent.length > 40) recent.shift();
      const key = line.slice(0, 160);
      if (stderr.has(key) || stderr.size < 200) stderr.set(key, (stderr.get(key) ?? 0) + 1);
    }
  });
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (code !== 0 && code !== null && !stopping)
      console.error(`${name} exited with ${code}; its last stderr lines:\n${recent.join('\n')}`);
    if (signal !== null && !stopping)
      console.error(`${name} was killed by ${signal}; its last stderr lines:\n${recent.join('\n')}`);
  });
  let nextId = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  child.on('message', (message: ReplyMessage | ReadyMessage) => {
    if (message?.type !== 'reply') return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(`${name}: ${message.error}`));
  });
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${name} exited (${code ?? signal})`));
    pending.clear();
  });
  const info = await new Promise<Info>((resolve, reject) => {
    const onMessage = (message: ReadyMessage) => {
      if (message?.type !== 'ready') return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message.info as Info);
    };
    const onExit = (code: number | null, signal: string | null) =>
      reject(new Error(`${name} exited before it was ready (${code ?? signal})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
  const call = <T>(op: string, args?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ type: 'call', id, op, args } satisfies CallMessage);
    });
  return {
    name,
    pid: child.pid ?? -1,
    info,
    process: child,
    stderr,
    output,
    call,
    cpu: () => call<CpuSample>('cpu'),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
};
