import type { Negative } from './sample.ts';

/**
 * Everyday prompt content that holds no personal data or secrets, but plenty that looks close:
 * numbers, dates, times, versions, hashes, identifiers, URLs, code. No detector may fire on any.
 */
export const ordinaryTexts: Negative[] = [
  {
    name: 'a paragraph of English prose',
    text: [
      'Yesterday the team met to review the quarterly roadmap. We agreed to ship the new onboarding flow in three',
      'phases, starting with the sign-up page and ending with the billing settings. Sarah will follow the installation',
      'instructions in the README, and Tom will ignore the warning if you use Node 20, since it is harmless. The previous',
      'instructions were unclear, so we rewrote them; the secret to a calm release is a short checklist. See you at 9:30.',
    ].join('\n'),
  },
  {
    name: 'a TypeScript snippet',
    text: [
      "import { readFile } from 'node:fs/promises';",
      '',
      'export interface User { id: string; email: string; password: string; createdAt: Date }',
      '',
      'export async function loadUsers(path: string): Promise<User[]> {',
      "  const raw = await readFile(path, 'utf8');",
      '  const apiKey = process.env.API_KEY ?? config.apiKey;',
      '  const token = await getToken(apiKey);',
      '  const password = user.password;',
      '  for (let i = 0; i < 1234567890; i += 1) {',
      '    if (users[i]?.email === undefined) break;',
      '  }',
      '  const timeoutMs = 30_000; // 30 s',
      '  return JSON.parse(raw) as User[];',
      '}',
    ].join('\n'),
  },
  {
    name: 'a SQL query',
    text: [
      'SELECT u.id, u.email, o.total, o.created_at',
      'FROM users u JOIN orders o ON o.user_id = u.id',
      "WHERE o.created_at >= '2024-05-14 00:00:00' AND o.total > 1234.56",
      "  AND o.status IN ('paid', 'shipped') AND u.password_hash = crypt($1, u.password_hash)",
      'ORDER BY o.created_at DESC LIMIT 100 OFFSET 200;',
    ].join('\n'),
  },
  {
    name: 'a JSON log line with timestamps and UUIDs',
    text: '{"level":"info","time":"2024-05-14T10:30:00.123Z","requestId":"550e8400-e29b-41d4-a716-446655440000","traceId":"1-6643a1b2-3f2a9c1d4e5b6a7f8091a2b3","msg":"request completed","status":200,"durationMs":1234,"tokens":{"prompt":456,"completion":789},"timestamp":1715682600123}',
  },
  {
    name: 'a Node stack trace',
    text: [
      'Error: connect ECONNREFUSED 127.0.0.1:5432',
      '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)',
      '    at async Pool.connect (/app/node_modules/pg-pool/index.js:45:11)',
      '    at async loadUsers (file:///app/src/users.ts:12:3)',
      '    at async Promise.all (index 0)',
    ].join('\n'),
  },
  {
    name: 'version numbers',
    text: 'Upgraded react 18.2.0 -> 19.1.0, node v24.1.0, typescript 5.4.5, API v2.3.4.5, build 1.2.3.4.5 and Chrome/124.0.6367.91.',
  },
  {
    name: 'git SHAs',
    text: 'commit 3f2a9c1d4e5b6a7f8091a2b3c4d5e6f708192a3b (short 3f2a9c1), merge of 9fceb02 and d6cd1e2, tag v1.0.0',
  },
  {
    name: 'UUIDs',
    text: '550e8400-e29b-41d4-a716-446655440000, 123e4567-e89b-12d3-a456-426614174000, 12345678-1234-1234-1234-123456789012, 00000000-0000-0000-0000-000000000000',
  },
  {
    name: 'prices',
    text: 'The plan costs $1,234.56 a year, €99.99 a month or ¥12,000; 1 000 000 units cost 2 499 999,00 € with 2.5% off.',
  },
  {
    name: 'dates and times',
    text: 'Meeting 2024-05-14 at 12:30:45, moved to 14/05/2024 15:00 UTC, then 05/14/2024 3:30 PM, 01.05.2024 and 2024-05-14T10:30:00+02:00 (20240514T103000Z).',
  },
  {
    name: 'order, ticket and invoice numbers',
    text: 'Order #123456 shipped; ticket 654321 and invoice INV-2024-000123 are attached. Reference 1234567890, batch 20240514.',
  },
  {
    name: 'numbers in code',
    text: 'const big = 1234567890123; const pi = 3.14159; listen(8080); const eps = 1e-10; const mask = 0xff; const ts = Date.now() - 86_400_000;',
  },
  {
    name: 'URLs and git remotes',
    text: 'See https://github.com/org/repo/blob/main/src/index.ts#L10-L20, git@github.com:org/repo.git and ssh://git@gitlab.example.com:2222/org/repo.git.',
  },
  {
    name: 'package specifiers and assets',
    text: 'npm i lodash@4.17.21 @types/node@24 react@18.2.0 && cp icon@2x.png dist/ && docker pull node@sha256:abc123',
  },
  {
    name: 'C++, Rust and Python paths and slices',
    text: 'std::vector<int> v; let x = f64::MAX; Foo::Bar::baz(); every_other = items[1::2]; tail = items[::3]',
  },
  {
    name: 'times, ratios and a MAC address',
    text: 'Lap times 1:02:33 and 12:30:45; aspect 16:9; MAC 00:1A:2B:3C:4D:5E; bind 0.0.0.0 and 127.0.0.1; netmask 255.255.255.0.',
  },
  {
    name: 'CSS',
    text: '.sk-spinner-container-wrapper { margin: 0 auto; color: #ff0000; width: calc(100% - 24px); } @media (max-width: 768px) { }',
  },
  {
    name: 'a markdown table of numbers',
    text: '| id | qty | price |\n|----|-----|-------|\n| 1 | 12 | 3.50 |\n| 2 | 1 000 | 0.99 |\n| 3 | 123 456 | 10.00 |',
  },
  {
    name: 'a config file without credentials',
    text: 'password_min_length: 12\nmax_tokens: 4096\ntoken_ttl_seconds: 86400\nsecret_name: prod/router/keys\napi_key_header: x-api-key\n',
  },
  {
    name: 'a base64 image prefix and a hash',
    text: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg== sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
];
