import { join, resolve } from 'node:path';
import { loadConfig } from '#shared/config/load-config.ts';
import { hashApiKey } from '#shared/keys/api-key.ts';
import { isKeyUsable } from '#shared/keys/key-record.ts';
import { localAdminKey, readTextFile, writeSecretFile } from './local-secrets.ts';
import { startLocalServer } from './server.ts';

// `npm start`: the router on localhost, through the same Lambda handler, with an embedded
// DynamoDB whose data survives restarts in DATA_DIR.

const env = process.env;
const port = Number(env.PORT ?? 8080);
const dataDir = resolve(env.DATA_DIR ?? '.data');
const configPath = env.ROUTER_CONFIG ?? 'config/local.json';

const main = async (): Promise<void> => {
  const { config, source } = await loadConfig(configPath, { explicit: env.ROUTER_CONFIG !== undefined });
  const admin = await localAdminKey(dataDir, env);
  const server = await startLocalServer({
    config,
    port,
    host: env.HOST ?? '127.0.0.1',
    dynamoPath: join(dataDir, 'dynamodb'),
    adminKey: admin.key,
    logLevel: (env.LOG_LEVEL?.toUpperCase() as 'INFO' | undefined) ?? 'WARN',
    onRequest: (line) => {
      const extra = [line.model, line.usage].filter(Boolean).join('  ');
      console.log(`${line.method.padEnd(6)} ${line.path.padEnd(24)} ${line.status}  ${String(line.ms).padStart(7)} ms  ${extra}`);
    },
  });

  // A ready-to-use key for the demo tenant: reused while it is valid, recreated otherwise.
  const demoPath = join(dataDir, 'demo-key');
  let demoKey = await readTextFile(demoPath);
  const demoRecord = demoKey ? await server.runtime.keys.findByHash(hashApiKey(demoKey)) : undefined;
  if (!demoKey || !demoRecord || !isKeyUsable(demoRecord, new Date())) {
    demoKey = (await server.runtime.keys.create({ tenant: 'demo', name: 'demo' })).key;
    await writeSecretFile(demoPath, demoKey);
  }

  const models = server.runtime.models.names.join(', ');
  console.log(`
inference-router listening on ${server.url}
  config     ${source === 'builtin' ? `built-in mock models (create ${configPath} to use real providers)` : source}
  models     ${models}
  data       ${dataDir}
  admin key  ${admin.key}   (${admin.source})
  demo key   ${demoKey}

  curl ${server.url}/v1/chat/completions \\
    -H "Authorization: Bearer ${demoKey}" -H "Content-Type: application/json" \\
    -d '{"model":"auto","messages":[{"role":"user","content":"Hello!"}]}'
`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping`);
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
