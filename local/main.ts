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
  const { config, source, warnings } = await loadConfig(configPath, { explicit: env.ROUTER_CONFIG !== undefined });
  const admin = await localAdminKey(dataDir, env);
  // Request lines wait until the banner is out, so the first thing on screen is how to use it.
  let bannerShown = false;
  const early: string[] = [];
  const server = await startLocalServer({
    config,
    port,
    host: env.HOST ?? '127.0.0.1',
    dynamoPath: join(dataDir, 'dynamodb'),
    adminKey: admin.key,
    logLevel: (env.LOG_LEVEL?.toUpperCase() as 'INFO' | undefined) ?? 'WARN',
    onRequest: (line) => {
      const extra = [line.model, line.usage].filter(Boolean).join('  ');
      const text = `${line.method.padEnd(6)} ${line.path.padEnd(24)} ${line.status}  ${String(line.ms).padStart(7)} ms  ${extra}`;
      if (bannerShown) console.log(text);
      else early.push(text);
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

  // The curl line names a model this config serves: `auto` when it exists, else the first alias or model.
  const { names } = server.runtime.models;
  const example = names.includes('auto') ? 'auto' : (names.find((name) => Object.hasOwn(config.aliases, name)) ?? names[0]);
  const unavailable = [...server.runtime.unavailable].map(([model, reason]) => `${model} (${reason})`);
  console.log(`
inference-router listening on ${server.url}
  console    ${server.url}/console/   (sign in with the admin key)
  config     ${source === 'builtin' ? `built-in mock models (create ${configPath} to use real providers)` : source}
  models     ${names.join(', ')}${unavailable.length > 0 ? `\n  unavailable ${unavailable.join(', ')}` : ''}
  data       ${dataDir}
  admin key  ${admin.source === 'ADMIN_KEY' ? 'from ADMIN_KEY' : `${admin.key}   (${admin.source})`}
  demo key   ${demoKey}   (${demoPath})
${warnings.map((warning) => `  warning    ${warning}\n`).join('')}
  curl ${server.url}/v1/chat/completions \\
    -H "Authorization: Bearer $(cat ${demoPath})" -H "Content-Type: application/json" \\
    -d '{"model":"${example}","messages":[{"role":"user","content":"Hello!"}]}'

  more keys: npm run keys -- create --tenant <name>      (npm run keys -- --help)
`);
  bannerShown = true;
  for (const line of early.splice(0)) console.log(line);

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
