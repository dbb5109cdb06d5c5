import type { Negative, Positive } from './sample.ts';

export const emailPositives: Positive[] = [
  { name: 'a plain address', text: 'Write to bob@example.com today', expected: ['bob@example.com'] },
  { name: 'dots, plus tag and a country domain', text: 'bob.smith+tag@example.co.uk', expected: ['bob.smith+tag@example.co.uk'] },
  {
    name: 'underscore and subdomains',
    text: 'first_last@sub.domain.example.org',
    expected: ['first_last@sub.domain.example.org'],
  },
  { name: 'percent and hyphens', text: 'user%ops@mail-server.example.io', expected: ['user%ops@mail-server.example.io'] },
  { name: 'uppercase', text: 'Alice@Example.COM wrote', expected: ['Alice@Example.COM'] },
  { name: 'in angle brackets', text: 'From: Alice <alice@example.com>', expected: ['alice@example.com'] },
  { name: 'a mailto link', text: '<a href="mailto:alice@example.com">mail</a>', expected: ['alice@example.com'] },
  { name: 'in a URL query', text: 'https://x.com/unsubscribe?email=bob@x.com&list=7', expected: ['bob@x.com'] },
  { name: 'in a URL path', text: 'https://x.com/users/bob@x.com/profile', expected: ['bob@x.com'] },
  { name: 'the sentence dot is left out', text: 'Reply to bob@example.com.', expected: ['bob@example.com'] },
  { name: 'after an ellipsis', text: 'ask...bob@example.com', expected: ['bob@example.com'] },
  { name: 'in quotes in code', text: "const to = 'ops-team@example.com';", expected: ['ops-team@example.com'] },
  { name: 'followed by a colon and a space', text: 'Owner: carol@example.net: ask her', expected: ['carol@example.net'] },
  {
    name: 'several in a list',
    text: 'cc: a@example.com, b.c@example.org; d@example.dev',
    expected: ['a@example.com', 'b.c@example.org', 'd@example.dev'],
  },
];

export const emailNegatives: Negative[] = [
  { name: 'an scp-style git remote', text: 'git clone git@github.com:org/repo.git' },
  { name: 'URL userinfo', text: 'https://user@example.com/path' },
  { name: 'credentials in a database URL', text: 'postgres://admin:hunter2@db.example.com:5432/app' },
  { name: 'an ssh target with a port', text: 'ssh deploy@host.example.com:22' },
  { name: 'a retina asset', text: 'icon@2x.png and logo@1.5x.webp' },
  { name: 'a package version', text: 'npm i lodash@4.17.21 react@18' },
  { name: 'a scoped package', text: 'import type { Handler } from "@types/aws-lambda";' },
  { name: 'a host without a dot', text: 'root@localhost' },
  { name: 'a one-letter TLD', text: 'a@b.c' },
  { name: 'a decorator', text: '@Component({ selector: "app" })' },
  { name: 'a local part ending in a dot', text: 'bob.@example.com' },
  { name: 'double at', text: 'foo@@bar.com' },
  { name: 'a Twitter handle', text: 'follow @example_dev.' },
];
