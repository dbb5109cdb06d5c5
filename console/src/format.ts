// Numbers as an operator reads them. Costs come in USD with micro-dollar precision.

const integer = new Intl.NumberFormat('en-US');
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export const formatInt = (value: number): string => integer.format(value);

export const formatCompact = (value: number): string => compact.format(value);

/** Small amounts keep their significant digits ($0.000042), larger ones cents ($12.30). */
export const formatUsd = (value: number): string => {
  if (value === 0) return '$0';
  const digits = Math.abs(value) >= 1 ? 2 : Math.min(6, Math.max(2, 1 - Math.floor(Math.log10(Math.abs(value))) + 1));
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
};

export const formatPercent = (fraction: number | null): string =>
  fraction === null || !Number.isFinite(fraction) ? '–' : `${(fraction * 100).toFixed(fraction < 0.1 && fraction > 0 ? 1 : 0)}%`;

export const formatMs = (value: number | null | undefined): string =>
  value === null || value === undefined ? '–' : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;

export const formatDuration = (seconds: number): string => {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min` : `${seconds} s`;
};

/** A UTC calendar day (YYYY-MM-DD), as usage reports use. */
export const utcDay = (date: Date): string => date.toISOString().slice(0, 10);

export const addDays = (day: string, days: number): string => utcDay(new Date(Date.parse(day) + days * 86_400_000));

/** Every day from `from` to `to`, both included. */
export const daysBetween = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (let day = from; day <= to && days.length <= 400; day = addDays(day, 1)) days.push(day);
  return days;
};

export const formatDateTime = (iso: string | undefined): string => {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
};
