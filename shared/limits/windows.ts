// Fixed windows keyed by time. The window is part of the item key, so counters never need a
// reset: a new minute or month is simply a new item (TTL only cleans the old ones up).

export type WindowKind = 'minute' | 'month';

export interface Window {
  kind: WindowKind;
  /** `min#2026-11-24T22:30` or `month#2026-11`. */
  id: string;
  /** Epoch ms when the window ends (the limit resets). */
  endsAt: number;
  /** Epoch seconds for DynamoDB TTL: a day after the minute, 40 days after the month. */
  expiresAt: number;
}

const pad = (value: number): string => String(value).padStart(2, '0');

export const minuteWindow = (now: Date): Window => {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), now.getUTCHours(), now.getUTCMinutes());
  const endsAt = start + 60_000;
  const id = `min#${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())}T${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}`;
  return { kind: 'minute', id, endsAt, expiresAt: Math.floor(endsAt / 1000) + 86_400 };
};

export const monthWindow = (now: Date): Window => {
  const endsAt = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  const id = `month#${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}`;
  return { kind: 'month', id, endsAt, expiresAt: Math.floor(endsAt / 1000) + 40 * 86_400 };
};

/** OpenAI's reset format: `1s`, `6m0s`, `1h2m3s`. */
export const formatReset = (ms: number): string => {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
};
