import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, test } from 'vitest';

// The Lambda Node.js runtime ships the AWS SDK with `@aws-sdk/*` resolvable from a handler and
// `@smithy/*` (and the SDK's other dependencies) only under `@aws-sdk/node_modules`. This test
// builds that layout from the project's node_modules (symlinks, resolved as laid out) and imports
// the Bedrock path of a bundle made with the stack's settings in it.

const ROOT = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lambda-layout-'));
  const modules = join(ROOT, 'node_modules');
  const sdk = join(dir, 'runtime', 'node_modules', '@aws-sdk');
  await mkdir(join(sdk, 'node_modules'), { recursive: true });
  for (const name of await readdir(join(modules, '@aws-sdk'))) await symlink(join(modules, '@aws-sdk', name), join(sdk, name));
  for (const name of await readdir(modules)) {
    if (name === '@aws-sdk' || name.startsWith('.')) continue;
    await symlink(join(modules, name), join(sdk, 'node_modules', name));
  }
  await mkdir(join(dir, 'runtime', 'task'), { recursive: true });
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const runInLayout = async (source: string): Promise<{ ok: boolean; output: string }> => {
  const entry = join(dir, 'runtime', 'task', `entry-${Math.random().toString(36).slice(2)}.ts`);
  await writeFile(entry, source);
  const outfile = entry.replace(/\.ts$/, '.mjs');
  // The CDK's bundling settings (infra/constructs/bundled-function.ts).
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    external: ['@aws-sdk/*', '@smithy/*'],
    outfile,
    logLevel: 'silent',
  });
  try {
    const { stdout } = await run(process.execPath, ['--preserve-symlinks', '--preserve-symlinks-main', outfile], { cwd: dir });
    return { ok: true, output: stdout };
  } catch (error) {
    return { ok: false, output: String((error as { stderr?: string }).stderr ?? error) };
  }
};

test('the layout is the runtime’s: @aws-sdk/* resolves from a handler, @smithy/* does not', async () => {
  // Act
  const sdk = await runInLayout("await import('@aws-sdk/client-bedrock-runtime'); console.log('ok');");
  const smithy = await runInLayout("await import('@smithy/node-http-handler'); console.log('ok');");

  // Assess
  expect(sdk).toMatchObject({ ok: true, output: 'ok\n' });
  expect(smithy.ok).toBe(false);
  expect(smithy.output).toMatch(/Cannot find (package|module) '@smithy\/node-http-handler'/);
});

test('the Bedrock provider loads its SDK and HTTP handler there', async () => {
  // Act
  const result = await runInLayout(
    `import { loadBedrockSdk } from ${JSON.stringify(join(ROOT, 'shared/providers/bedrock/bedrock-provider.ts'))};
const sdk = await loadBedrockSdk();
console.log(typeof sdk.runtime.BedrockRuntimeClient, typeof sdk.NodeHttpHandler);`,
  );

  // Assess
  expect(result).toMatchObject({ ok: true, output: 'function function\n' });
});
