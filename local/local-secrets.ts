import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// Local-only conveniences kept in DATA_DIR: the generated admin key and the demo key survive
// restarts, so printed curl lines keep working. Never used in AWS.

export const readTextFile = async (path: string): Promise<string | undefined> => {
  try {
    return (await readFile(path, 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
};

export const writeSecretFile = async (path: string, value: string): Promise<void> => {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, `${value}\n`, { mode: 0o600 });
};

/** ADMIN_KEY from the environment, else the one saved in DATA_DIR, else a new one (saved). */
export const localAdminKey = async (dataDir: string, env: NodeJS.ProcessEnv): Promise<{ key: string; source: string }> => {
  if (env.ADMIN_KEY) return { key: env.ADMIN_KEY, source: 'ADMIN_KEY' };
  const path = join(dataDir, 'admin-key');
  const saved = await readTextFile(path);
  if (saved) return { key: saved, source: path };
  const key = `sk-admin-${randomBytes(24).toString('base64url')}`;
  await writeSecretFile(path, key);
  return { key, source: `${path} (generated)` };
};
