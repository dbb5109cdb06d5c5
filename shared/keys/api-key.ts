import { createHash, randomBytes } from 'node:crypto';

// Client API keys: 192 random bits, shown once, stored only as a SHA-256 hash. A fast hash is
// right here (unlike passwords): the input is a long random secret, so it cannot be guessed.

export const API_KEY_PREFIX = 'sk-ir-';

export interface NewApiKey {
  /** The secret; returned to the creator once and never stored. */
  key: string;
  hash: string;
  /** A recognizable, non-secret hint (`sk-ir-AbCd...wxyz`) for listings. */
  hint: string;
}

export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export const generateApiKey = (): NewApiKey => {
  const key = `${API_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
  return { key, hash: hashApiKey(key), hint: `${key.slice(0, API_KEY_PREFIX.length + 4)}...${key.slice(-4)}` };
};

export const newKeyId = (): string => `key_${randomBytes(10).toString('hex')}`;

/**
 * `Authorization: Bearer <key>`, else `x-api-key: <key>`; undefined when neither carries one. A
 * malformed Authorization (another scheme, added by a proxy) does not hide a valid x-api-key.
 */
export const readPresentedKey = (headers: Readonly<Record<string, string | undefined>>): string | undefined => {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization?.trim() ?? '')?.[1];
  if (bearer) return bearer;
  const apiKey = headers['x-api-key']?.trim();
  return apiKey || undefined;
};
