import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import { parseConfig } from '#shared/config/load-config.ts';

// The configs the README points users to must stay valid as the schema evolves.

test.each(['config/example.json', 'config/providers.example.json', 'config/lago.example.json'])(
  '%s is a valid router config',
  async (path) => {
    // Act
    const config = parseConfig(JSON.parse(await readFile(resolve(import.meta.dirname, '../../../..', path), 'utf8')), path);

    // Assess
    expect(config.models.length).toBeGreaterThan(0);
    expect(Object.keys(config.aliases)).toContain('auto');
  },
);
