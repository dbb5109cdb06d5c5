import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildConsole, GZIP_BUDGET_BYTES } from '#scripts/build-console.ts';

// The operator console in a real browser (Debian's Chromium, headless, driven by playwright-core)
// against `npm start`'s stack: local/main.ts in a child process with its own data directory. An
// operator signs in, creates a key, sends requests with it, finds its spend and model split in the
// charts, edits its limits, revokes it and sees the next request refused. Every page is
// photographed into test-output/console/.

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'test-output/console');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADMIN_KEY = 'sk-admin-e2e-console-0123456789abcdef';
const TENANT = 'e2e-acme';

let workDir: string;
let server: ChildProcess | undefined;
let baseUrl: string;
let consoleUrl: string;
let banner = '';
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
/** What the browser reported that a user would never see: script errors and CSP violations. */
const browserProblems: string[] = [];

/** The new key, as the console showed it once. */
let created: { id: string; secret: string };

const startServer = async (env: Record<string, string>): Promise<void> => {
  // cwd is an empty directory: no config/local.json, so the built-in mock models serve.
  const child = spawn(process.execPath, [join(ROOT, 'local/main.ts')], {
    cwd: workDir,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  child.stderr?.on('data', (data: Buffer) => {
    banner += data.toString();
  });
  await new Promise<void>((resolveStart, reject) => {
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${banner}`)));
    child.stdout?.on('data', (data: Buffer) => {
      banner += data.toString();
      const url = /listening on (http:\/\/\S+)/.exec(banner)?.[1];
      const consolePage = /console\s+(http:\/\/\S+)/.exec(banner)?.[1];
      if (url && consolePage && banner.includes('more keys')) {
        baseUrl = url;
        consoleUrl = consolePage;
        resolveStart();
      }
    });
  });
};

const stopServer = async (): Promise<void> => {
  const child = server;
  if (!child || child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
};

const shoot = async (name: string): Promise<void> => {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
};

/** Retries `check` until it passes: usage is metered after the last byte, through the event bus. */
const eventually = async (check: () => Promise<void>, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((wait) => setTimeout(wait, 300));
    }
  }
};

const text = async (locator: Locator): Promise<string> => (await locator.textContent({ timeout: 5_000 })) ?? '';

const chat = (key: string, body: Record<string, unknown>) =>
  fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const goTo = async (link: string, heading: string | RegExp): Promise<void> => {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: link }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
};

const watch = (target: Page): void => {
  target.on('pageerror', (error) => browserProblems.push(`page error: ${error.message}`));
  target.on('console', (message) => {
    // Refused API calls are logged by Chromium as failed resources; the page shows them as messages.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) browserProblems.push(message.text());
  });
};

beforeAll(async () => {
  try {
    await access(CHROMIUM);
  } catch {
    throw new Error(
      `No Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH.`,
    );
  }
  workDir = await mkdtemp(join(tmpdir(), 'console-e2e-'));
  await mkdir(SCREENSHOTS, { recursive: true });
  // The console as `npm ci` builds it, from the current sources, into a folder of this test's own.
  const built = await buildConsole({ outDir: join(workDir, 'console') });
  expect(built.gzipBytes).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
  await startServer({ DATA_DIR: join(workDir, 'data'), ADMIN_KEY, CONSOLE_DIR: built.dir });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseUrl).origin });
  page = await context.newPage();
  watch(page);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stopServer();
  if (workDir) await rm(workDir, { recursive: true, force: true });
}, 30_000);

describe('the operator console', { timeout: 60_000 }, () => {
  test('npm start prints its URL, and the page comes with a strict CSP', async () => {
    // Act
    const response = await fetch(consoleUrl);

    // Assess
    expect(consoleUrl).toBe(`${baseUrl}/console/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'.*connect-src 'self'/);
    expect(response.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  test('a wrong key is refused with a message; the admin key signs in (keyboard only)', async () => {
    // Act: a key that is neither the admin key nor an API key.
    await page.goto(`${baseUrl}/console`);
    await page.getByLabel('Admin key or API key').fill('sk-ir-not-a-real-key-0000000000000000');
    await page.keyboard.press('Enter');

    // Assess
    await expect.poll(() => text(page.getByRole('alert'))).toContain('Invalid API key');
    await shoot('01-sign-in-refused');

    // Act
    await page.getByLabel('Admin key or API key').fill(ADMIN_KEY);
    await page.keyboard.press('Enter');

    // Assess: the keys page, and the key kept in this tab's session storage only.
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await context.cookies()).toEqual([]);
    await shoot('02-keys');
  });

  test('creating a key shows its secret once, with a copy button and the curl and SDK snippets', async () => {
    // Act
    await page.getByRole('button', { name: 'New key' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel('Tenant').fill(TENANT);
    await form.getByLabel('Name', { exact: true }).fill('checkout');
    await shoot('03-key-new');
    await form.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByTestId('new-key-secret').inputValue();
    await page.getByRole('button', { name: 'Copy key' }).click();

    // Assess
    expect(secret).toMatch(/^sk-ir-/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    const dialog = page.getByRole('dialog');
    expect(await text(dialog)).toContain(`curl ${baseUrl}/v1/chat/completions`);
    expect(await text(dialog)).toContain(`baseURL: '${baseUrl}/v1'`);
    expect(await text(dialog)).toContain('shown only this once');
    await shoot('04-key-created');

    // Act: Escape closes the dialog; the list has the key, without its secret.
    await page.keyboard.press('Escape');
    const row = page.locator('tbody tr', { hasText: 'checkout' });
    await row.waitFor();
    const id = (await row.getAttribute('data-key-id')) ?? '';
    created = { id, secret };

    // Assess
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(id).toMatch(/^key_/);
    expect(await text(page.getByTestId('keys-table'))).not.toContain(secret);
  });

  test('requests sent with the key appear in its spend: totals, savings, the day chart and the model split', async () => {
    // Prepare: three requests on the small model (one streamed), two on the large one (one streamed).
    const bodies = [
      { model: 'mock-small', messages: [{ role: 'user', content: 'Hello!' }] },
      { model: 'mock-small', messages: [{ role: 'user', content: 'What is 2 + 2?' }] },
      { model: 'mock-small', stream: true, messages: [{ role: 'user', content: 'Count to five.' }] },
      { model: 'mock-large', messages: [{ role: 'user', content: 'Prove that there are infinitely many primes.' }] },
      { model: 'mock-large', stream: true, messages: [{ role: 'user', content: 'Write a sonnet about routers.' }] },
    ];
    for (const body of bodies) {
      const response = await chat(created.secret, body);
      await response.text();
      expect(response.status).toBe(200);
    }

    // Act
    await goTo('Spend', /^Spend/);
    await page.getByLabel('Tenant', { exact: true }).fill(TENANT);
    await eventually(async () => {
      await page.getByRole('button', { name: 'Show', exact: true }).click();
      expect(await text(page.getByTestId('total-requests'))).toMatch(/^5\b/);
    });

    // Assess
    expect(await text(page.getByTestId('total-cost'))).toMatch(/^\$0\.\d+/);
    expect(await text(page.getByTestId('total-savings'))).toMatch(/^\$0\.\d*[1-9]/);
    const byModel = await text(page.getByTestId('by-model'));
    expect(byModel).toContain('mock-small');
    expect(byModel).toContain('mock-large');
    expect(await text(page.getByTestId('by-key'))).toContain(`checkout (${created.id})`);
    expect(await page.getByTestId('day-chart').locator('canvas').count()).toBeGreaterThan(0);
    await shoot('05-spend');

    // Act: the table by model, exported as CSV.
    await page.getByRole('radio', { name: 'model' }).check();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = await readFile((await download.path()) ?? '', 'utf8');

    // Assess
    const [header, ...rows] = csv.trim().split('\r\n');
    expect(header).toBe(
      'model,requests,errors,prompt_tokens,completion_tokens,cached_tokens,cost_usd,premium_cost_usd,savings_usd',
    );
    expect(rows.map((row) => row.split(',').slice(0, 2).join(','))).toEqual(['mock-large,2', 'mock-small,3']);
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^usage-${TENANT}-\\d{4}-\\d{2}-\\d{2}-\\d{4}-\\d{2}-\\d{2}-by-model\\.csv$`),
    );
  });

  test('live shows this instance by model: requests, latency, time to first token, breakers', async () => {
    // Act
    await goTo('Live', 'Live');
    const table = page.getByTestId('live-models');
    await table.waitFor();

    // Assess
    const small = await table.locator('tr', { hasText: 'mock-small' }).locator('th, td').allTextContents();
    const [model, requests, errors, , , p50, p99, firstTokenP50, firstTokenP99] = small;
    expect({ model, requests, errors }).toEqual({ model: 'mock-small', requests: '3', errors: '0' });
    for (const latency of [p50, p99, firstTokenP50, firstTokenP99]) expect(latency).toMatch(/^\d+ ms$|^\d+\.\d+ s$/);
    expect(await text(page.getByTestId('breakers'))).toMatch(/mock-large\s*closed/);
    await shoot('06-live');
  });

  test('the playground shows the decision for a prompt, as the new key, without calling a model', async () => {
    // Act
    await goTo('Playground', 'Routing playground');
    await page
      .getByLabel('Key', { exact: true })
      .selectOption({ label: `checkout (${TENANT}, ${created.id}), created in this tab` });
    await page.getByLabel('Prompt', { exact: true }).fill('Hi there!');
    await page.getByRole('button', { name: 'Show the decision' }).click();

    // Assess
    await page.getByTestId('decision').waitFor();
    expect(['mock-small', 'mock-large']).toContain((await text(page.getByTestId('decision-model'))).split(' ')[0]);
    expect(await text(page.getByTestId('decision-tier'))).toMatch(/\w+/);
    expect(await text(page.getByTestId('decision-reason'))).toMatch(/^alias auto: /);
    await shoot('07-playground');
  });

  test('editing its limits takes effect: over the new rpm, requests are refused', async () => {
    // Act
    await goTo('Keys', 'API keys');
    const row = page.locator(`tr[data-key-id="${created.id}"]`);
    await row.getByRole('button', { name: 'Edit checkout' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel('Requests per minute').fill('2');
    await form.getByLabel('Tokens per month').fill('1000000');
    await shoot('08-key-edit');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Key checkout saved.' }).waitFor();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const response = await chat(created.secret, { model: 'mock-small', messages: [{ role: 'user', content: 'Hi' }] });
      await response.text();
      statuses.push(response.status);
    }

    // Assess: the list shows the limits; at most two requests a minute get through.
    expect(await text(row.getByTestId('key-limits'))).toBe('2 rpm, 1,000,000 tokens/month');
    expect(statuses).toContain(429);
  });

  test('revoking it asks first, and then the next request is refused', async () => {
    // Act: cancel once, then confirm.
    const row = page.locator(`tr[data-key-id="${created.id}"]`);
    await row.getByRole('button', { name: 'Revoke checkout' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    const stillWorks = await chat(created.secret, { model: 'mock-small', messages: [{ role: 'user', content: 'Hi' }] });
    await stillWorks.text();
    await row.getByRole('button', { name: 'Revoke checkout' }).click();
    await shoot('09-key-revoke');
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await row.getByText('revoked').waitFor();
    const refused = await chat(created.secret, { model: 'mock-small', messages: [{ role: 'user', content: 'Hi' }] });

    // Assess
    expect(stillWorks.status).not.toBe(401);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'api_key_revoked' } });
    expect(await row.getByRole('button', { name: 'Edit checkout' }).count()).toBe(0);
    await shoot('10-keys-revoked');
  });

  test('an error of the API is a message on the page, not a blank screen', async () => {
    // Act: a tenant name the API refuses.
    await page.getByLabel('Tenant', { exact: true }).fill('not a tenant!');
    await page.getByRole('button', { name: 'Filter' }).click();

    // Assess
    await expect.poll(() => text(page.getByRole('alert'))).toMatch(/Cannot list keys\..*tenant/s);
    expect(await text(page.getByRole('alert'))).toMatch(/request id [\w-]+/);
  });

  test('a tenant key signs in to a read-only view of its own usage', async () => {
    // Prepare: another key of the same tenant, made through the admin API.
    const response = await fetch(`${baseUrl}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: TENANT, name: 'reader' }),
    });
    const { key } = (await response.json()) as { key: string };
    const tenantContext = await browser?.newContext({ viewport: { width: 1280, height: 900 } });
    if (!tenantContext) throw new Error('no browser');
    const tenantPage = await tenantContext.newPage();
    watch(tenantPage);

    try {
      // Act
      await tenantPage.goto(consoleUrl);
      await tenantPage.getByLabel('Admin key or API key').fill(key);
      await tenantPage.getByRole('button', { name: 'Sign in' }).click();
      await tenantPage.getByRole('heading', { level: 1, name: `Spend · ${TENANT}` }).waitFor();
      await tenantPage.getByTestId('total-requests').waitFor();

      // Assess: its tenant's numbers; no keys, no live stats, no tenant to choose.
      const nav = await text(tenantPage.getByRole('navigation', { name: 'Console' }));
      expect(nav).toContain('Spend');
      expect(nav).not.toContain('Keys');
      expect(nav).not.toContain('Live');
      expect(await tenantPage.getByLabel('Tenant', { exact: true }).count()).toBe(0);
      expect(Number.parseInt(await text(tenantPage.getByTestId('total-requests')), 10)).toBeGreaterThanOrEqual(5);
      expect(await text(tenantPage.locator('header'))).toContain(`tenant ${TENANT} (read-only)`);
      await tenantPage.screenshot({ path: join(SCREENSHOTS, '11-tenant-spend.png'), fullPage: true });
    } finally {
      await tenantContext.close();
    }
  });

  test('at 375 px wide and in the dark theme, every page fits the screen', async () => {
    // Prepare
    await page.setViewportSize({ width: 375, height: 812 });
    await page.emulateMedia({ colorScheme: 'dark' });

    for (const [link, heading, name] of [
      ['Keys', 'API keys', '12-mobile-dark-keys'],
      ['Spend', /^Spend/, '13-mobile-dark-spend'],
      ['Live', 'Live', '14-mobile-dark-live'],
      ['Playground', 'Routing playground', '15-mobile-dark-playground'],
    ] as const) {
      // Act
      await goTo(link, heading);
      if (link === 'Spend') await page.getByTestId('total-requests').waitFor();
      if (link === 'Live') await page.getByTestId('live-models').waitFor();

      // Assess: nothing wider than the screen (wide tables scroll inside their own frame).
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await shoot(name);
    }
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(background).toBe('rgb(15, 20, 25)');
  });

  test('the browser reported no script error and no CSP violation', () => {
    expect(browserProblems).toEqual([]);
  });
});
