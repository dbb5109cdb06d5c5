import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readTextFile } from '#local/local-secrets.ts';

// `npm run keys -- <command>`: the admin API from a terminal. Talks HTTP to a running router
// (ROUTER_URL, default the local one) with ADMIN_KEY, or the admin key `npm start` saved.

const usage = `Usage: npm run keys -- <command> [options]

  create --tenant <t> [--name <n>] [--models a,b] [--rpm N] [--tpm N]
         [--monthly-tokens N] [--monthly-budget-usd X] [--lago-subscription <id>] [--expires <ISO date>]
  list   [--tenant <t>] [--limit N]
  get    <id>
  revoke <id>

Environment: ROUTER_URL (default http://127.0.0.1:8080), ADMIN_KEY (default: DATA_DIR/admin-key).`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tenant: { type: 'string' },
    name: { type: 'string' },
    models: { type: 'string' },
    rpm: { type: 'string' },
    tpm: { type: 'string' },
    'monthly-tokens': { type: 'string' },
    'monthly-budget-usd': { type: 'string' },
    'lago-subscription': { type: 'string' },
    expires: { type: 'string' },
    limit: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const fail = (message: string): never => {
  console.error(message);
  process.exit(1);
};

const number = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : fail(`--${name} must be a number, got "${value}"`);
};

const main = async (): Promise<void> => {
  const [command, id] = positionals;
  if (values.help || command === undefined) {
    console.log(usage);
    return;
  }
  const baseUrl = (process.env.ROUTER_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const adminKey = process.env.ADMIN_KEY || (await readTextFile(join(resolve(process.env.DATA_DIR ?? '.data'), 'admin-key')));
  if (!adminKey) fail('No admin key: set ADMIN_KEY, or start the router once with `npm start` to generate one.');

  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      return fail(`Cannot reach the router at ${baseUrl}: ${(error as Error).cause ?? (error as Error).message}`);
    }
    const json = (await response.json()) as { error?: { message: string } };
    if (!response.ok) fail(`${response.status}: ${json.error?.message ?? JSON.stringify(json)}`);
    return json;
  };

  const limits = Object.fromEntries(
    Object.entries({
      rpm: number('rpm', values.rpm),
      tpm: number('tpm', values.tpm),
      monthlyTokens: number('monthly-tokens', values['monthly-tokens']),
      monthlyBudgetUsd: number('monthly-budget-usd', values['monthly-budget-usd']),
    }).filter(([, value]) => value !== undefined),
  );

  let result: unknown;
  switch (command) {
    case 'create':
      if (!values.tenant) fail('create needs --tenant');
      result = await call('POST', '/admin/keys', {
        tenant: values.tenant,
        ...(values.name ? { name: values.name } : {}),
        ...(values.models ? { models: values.models.split(',').map((model) => model.trim()) } : {}),
        ...(Object.keys(limits).length > 0 ? { limits } : {}),
        ...(values['lago-subscription'] ? { lagoSubscriptionId: values['lago-subscription'] } : {}),
        ...(values.expires ? { expiresAt: values.expires } : {}),
      });
      break;
    case 'list': {
      const query = new URLSearchParams();
      if (values.tenant) query.set('tenant', values.tenant);
      if (values.limit) query.set('limit', values.limit);
      result = await call('GET', `/admin/keys${query.size > 0 ? `?${query}` : ''}`);
      break;
    }
    case 'get':
    case 'revoke':
      if (!id) fail(`${command} needs a key id`);
      result = await call(command === 'get' ? 'GET' : 'DELETE', `/admin/keys/${encodeURIComponent(id ?? '')}`);
      break;
    default:
      fail(`Unknown command "${command}".\n\n${usage}`);
  }
  console.log(JSON.stringify(result, null, 2));
};

await main();
