import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readTextFile } from '#local/local-secrets.ts';

// `npm run keys -- <command>`: the admin API from a terminal. Talks HTTP to a running router
// (ROUTER_URL, default the local one) with ADMIN_KEY, or the admin key `npm start` saved.

const usage = `Usage: npm run keys -- <command> [options]

  create --tenant <t> [--name <n>] [--models a,b] [--rpm N] [--tpm N]
         [--monthly-tokens N] [--monthly-budget-usd X] [--lago-subscription <id>] [--expires <date>]
  update <id> [--name <n>] [--models a,b|none] [--rpm N|none] [--tpm N|none] [--monthly-tokens N|none]
         [--monthly-budget-usd X|none] [--plan <p>|none] [--expires <date>|none]
         (limits merge: --rpm 2 keeps the key's tpm; "none" removes a field)
  list   [--tenant <t>] [--limit N]
  get    <id>
  revoke <id>

Dates: an ISO date or date-time, e.g. 2027-01-31 (midnight UTC) or 2027-01-31T18:00:00+01:00.

Environment: ROUTER_URL (default http://127.0.0.1:8080), ADMIN_KEY (default: DATA_DIR/admin-key).`;

const fail = (message: string): never => {
  console.error(message);
  process.exit(1);
};

const parsed = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        tenant: { type: 'string' },
        plan: { type: 'string' },
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
  } catch (error) {
    // An unknown or malformed option: say which, with the usage, not a stack trace.
    return fail(`${(error as Error).message}\n\n${usage}`);
  }
})();
const { values, positionals } = parsed;

/** `none` (update only) removes the field: sent as null. */
const NONE = 'none';

/** An ISO date (midnight UTC) or date-time with an offset, as the admin API takes it. */
const isoDate = (value: string): string => {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const time = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(time))
    fail(`--expires must be an ISO date such as 2027-01-31, got "${value}"`);
  return new Date(time).toISOString();
};

const number = (name: string, value: string | undefined): number | null | undefined => {
  if (value === undefined) return undefined;
  if (value === NONE) return null;
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
        ...(values.plan ? { plan: values.plan } : {}),
        ...(values.expires ? { expiresAt: isoDate(values.expires) } : {}),
      });
      break;
    case 'update': {
      if (!id) fail('update needs a key id');
      const orNull = (value: string | undefined, map: (text: string) => unknown) =>
        value === undefined ? undefined : value === NONE ? null : map(value);
      const changes = Object.fromEntries(
        Object.entries({
          name: values.name,
          models: orNull(values.models, (text) => text.split(',').map((model) => model.trim())),
          plan: orNull(values.plan, (text) => text),
          expiresAt: orNull(values.expires, isoDate),
          lagoSubscriptionId: orNull(values['lago-subscription'], (text) => text),
          ...(Object.keys(limits).length > 0 ? { limits } : {}),
        }).filter(([, value]) => value !== undefined),
      );
      if (Object.keys(changes).length === 0) fail('update needs at least one option to change');
      result = await call('PATCH', `/admin/keys/${encodeURIComponent(id ?? '')}`, changes);
      break;
    }
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
