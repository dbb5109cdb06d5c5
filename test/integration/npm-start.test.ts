import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';

// `npm start` as a newcomer runs it: no config, no provider keys. It must print a working URL
// and demo key, keep its keys across a restart, and stop cleanly on SIGTERM.

const root = resolve(import.meta.dirname, '../..');
let workDir: string;
const running: ChildProcess[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'router-start-'));
});
afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await rm(workDir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  url: string;
  /** Everything printed so far (stdout and stderr), and what follows as it comes. */
  output: () => string;
  demoKey: string;
  adminKey: string;
}

const start = async (options: { dataDir?: string; config?: string; adminKey?: string } = {}): Promise<Started> => {
  // cwd is an empty directory, so the default config/local.json does not exist: mock models.
  const child = spawn(process.execPath, [join(root, 'local/main.ts')], {
    cwd: workDir,
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: options.dataDir ?? join(workDir, 'data'),
      ADMIN_KEY: options.adminKey ?? '',
      ROUTER_CONFIG: options.config,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  child.stderr?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  return new Promise((resolvePromise, reject) => {
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    child.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      const demoKey = /demo key\s+(sk-ir-\S+)/.exec(output)?.[1];
      const adminKey = /admin key\s+(sk-admin-\S+|from ADMIN_KEY)/.exec(output)?.[1];
      if (url && demoKey && adminKey && output.includes('more keys'))
        resolvePromise({ child, url, demoKey, adminKey, output: () => output });
    });
  });
};

const stop = async (child: ChildProcess): Promise<number | null> => {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = await exited;
  return code as number | null;
};

test('npm start serves the mock models with a printed demo key, survives a restart, and stops on SIGTERM', async () => {
  // Act
  const first = await start();
  const response = await fetch(`${first.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${first.demoKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Hello!' }] }),
  });

  // Assess
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ choices: [{ message: { content: expect.stringContaining('mock reply') } }] });

  // Act: the keys CLI against the running server, with the admin key npm start saved.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(root, 'scripts/keys.ts'), 'create', '--tenant', 'acme', '--rpm', '10'],
    {
      cwd: workDir,
      env: { ...process.env, ROUTER_URL: first.url, DATA_DIR: join(workDir, 'data'), ADMIN_KEY: '' },
    },
  );
  const created = JSON.parse(stdout) as { key: string; tenant: string; limits: unknown };
  expect(created).toMatchObject({ tenant: 'acme', limits: { rpm: 10 }, key: expect.stringMatching(/^sk-ir-/) });
  expect(await stop(first.child)).toBe(0);

  // Act: restart on the same data directory.
  const second = await start();

  // Assess: same admin key and demo key, and the CLI-created key still works.
  expect(second.adminKey).toBe(first.adminKey);
  expect(second.demoKey).toBe(first.demoKey);
  const models = await fetch(`${second.url}/v1/models`, { headers: { authorization: `Bearer ${created.key}` } });
  expect(models.status).toBe(200);
  expect(await stop(second.child)).toBe(0);
});

test('a start that fails on a missing secret leaves the data directory usable, and missing keys are reported once', async () => {
  // Prepare: a config whose Lago key is missing (the start must stop), then one whose two
  // models share a missing provider key (the start must go on without them).
  const dataDir = join(workDir, 'second-data');
  const failing = join(workDir, 'lago.json');
  const degraded = join(workDir, 'degraded.json');
  const mock = { id: 'mock-small', provider: 'mock', tier: 'simple' };
  await writeFile(
    failing,
    JSON.stringify({ models: [mock], lago: { baseUrl: 'http://127.0.0.1:9', apiKey: 'env:NOT_SET_LAGO_KEY' } }),
  );
  const openai = (id: string) => ({
    id,
    provider: 'openai',
    baseUrl: 'http://127.0.0.1:9/v1',
    apiKey: 'env:NOT_SET_OPENAI_KEY',
    pricing: { inputPerMTok: 1, outputPerMTok: 2 },
  });
  await writeFile(degraded, JSON.stringify({ models: [mock, openai('gpt-a'), openai('gpt-b')] }));

  // Act
  const stopped = await start({ dataDir, config: failing }).catch((error: unknown) => error);
  const running = await start({ dataDir, config: degraded, adminKey: 'sk-admin-operator-chosen-0123456789' });
  const chat = await fetch(`${running.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${running.demoKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock-small', messages: [{ role: 'user', content: 'Hello!' }] }),
  });
  await chat.text();
  const usage = await fetch(`${running.url}/v1/usage?group_by=model`, {
    headers: { authorization: `Bearer ${running.demoKey}` },
  });
  const health = (await (await fetch(`${running.url}/health`)).json()) as { status: string };
  await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  const printed = running.output();

  // Assess: the failed start said why; the next one's tables work (usage is metered and readable).
  expect(String(stopped)).toMatch(/exited with 1: .*NOT_SET_LAGO_KEY/s);
  expect(chat.status).toBe(200);
  expect(usage.status).toBe(200);
  expect(health.status).toBe('degraded');
  expect(printed.match(/NOT_SET_OPENAI_KEY/g)).toHaveLength(1);
  expect(printed).toContain('admin key  from ADMIN_KEY');
  expect(printed).not.toContain('sk-admin-operator-chosen');
  expect(printed).toMatch(/POST\s+\/v1\/chat\/completions\s+200\s+[\d.]+ ms\s+mock-small/);
  expect(await stop(running.child)).toBe(0);
});
