import { useEffect, useMemo, useState } from 'preact/hooks';
import { type Api, query } from '../api.ts';
import { type Bar, BarList } from '../components/bar-list.tsx';
import { DayChart, type DayPoint } from '../components/day-chart.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { download, toCsv } from '../csv.ts';
import { addDays, daysBetween, formatCompact, formatInt, formatPercent, formatUsd, utcDay } from '../format.ts';
import { replaceParams } from '../hash-route.ts';
import type { KeyList, Session, UsageReport, UsageTotals } from '../types.ts';

type Grouping = 'day' | 'model' | 'key';
type Measure = 'cost' | 'tokens' | 'requests';

interface Reports {
  day: UsageReport;
  model: UsageReport;
  key: UsageReport;
}

const monthStart = (day: string): string => `${day.slice(0, 7)}-01`;

/** The last tenant and range shown, so leaving the page and coming back does not start over (memory only). */
let remembered: { tenant: string; from: string; to: string } | undefined;

const PRESETS: ReadonlyArray<{ label: string; range: (today: string) => [string, string] }> = [
  { label: 'This month', range: (today) => [monthStart(today), today] },
  { label: 'Last 7 days', range: (today) => [addDays(today, -6), today] },
  { label: 'Last 30 days', range: (today) => [addDays(today, -29), today] },
];

const measureOf = (totals: UsageTotals, measure: Measure): number =>
  measure === 'cost' ? totals.cost_usd : measure === 'tokens' ? totals.prompt_tokens + totals.completion_tokens : totals.requests;

const formatMeasure = (value: number, measure: Measure): string =>
  measure === 'cost' ? formatUsd(value) : measure === 'tokens' ? `${formatCompact(value)} tokens` : `${formatInt(value)} req`;

const COLUMNS = [
  'requests',
  'errors',
  'prompt_tokens',
  'completion_tokens',
  'cached_tokens',
  'cost_usd',
  'premium_cost_usd',
  'savings_usd',
] as const;

/** Cost and tokens of one tenant over a range: by day, model and key, with what always-premium would have cost. */
export const SpendPage = ({ api, session, params }: { api: Api; session: Session; params: URLSearchParams }) => {
  const admin = session.role === 'admin';
  const today = utcDay(new Date());
  const [tenantInput, setTenantInput] = useState(params.get('tenant') ?? remembered?.tenant ?? '');
  const [from, setFrom] = useState(params.get('from') ?? remembered?.from ?? monthStart(today));
  const [to, setTo] = useState(params.get('to') ?? remembered?.to ?? today);
  const [applied, setApplied] = useState({ tenant: admin ? tenantInput : (session.tenant ?? ''), from, to });
  const [reports, setReports] = useState<Reports>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();
  const [tenants, setTenants] = useState<string[]>([]);
  const [keyNames, setKeyNames] = useState<Map<string, string>>(new Map());
  const [grouping, setGrouping] = useState<Grouping>('day');
  const [measure, setMeasure] = useState<Measure>('cost');
  const [reload, setReload] = useState(0);

  // Tenants to choose from (admin only): those that have keys.
  useEffect(() => {
    if (!admin) return;
    api<KeyList>('/admin/keys?limit=1000').then(
      (list) => setTenants([...new Set(list.data.map((key) => key.tenant))].sort()),
      () => undefined,
    );
  }, [api, admin]);

  useEffect(() => {
    if (!applied.tenant) return;
    remembered = applied;
    const controller = new AbortController();
    const path = admin ? '/admin/usage' : '/v1/usage';
    const report = (groupBy: Grouping) =>
      api<UsageReport>(
        `${path}${query({ tenant: admin ? applied.tenant : undefined, from: applied.from, to: applied.to, group_by: groupBy })}`,
        { signal: controller.signal },
      );
    setLoading(true);
    setError(undefined);
    Promise.all([report('day'), report('model'), report('key')])
      .then(([day, model, key]) => setReports({ day, model, key }))
      .catch((failure: unknown) => {
        if (controller.signal.aborted) return;
        setReports(undefined);
        setError(failure);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    // Key names for the by-key split (the admin API lists them; a tenant key sees ids only).
    if (admin) {
      api<KeyList>(`/admin/keys${query({ tenant: applied.tenant, limit: 1000 })}`, { signal: controller.signal }).then(
        (list) => setKeyNames(new Map(list.data.map((key) => [key.id, key.name]))),
        () => undefined,
      );
    }
    return () => controller.abort();
  }, [api, admin, applied, reload]);

  const apply = (event?: Event): void => {
    event?.preventDefault();
    const next = { tenant: admin ? tenantInput.trim() : (session.tenant ?? ''), from, to };
    setApplied(next);
    setReload((count) => count + 1);
    replaceParams('spend', admin ? next : { from, to });
  };

  const points = useMemo<DayPoint[]>(() => {
    if (!reports) return [];
    const byDay = new Map(reports.day.data.map((row) => [row.day ?? '', row]));
    return daysBetween(reports.day.from, reports.day.to).map((day) => {
      const row = byDay.get(day);
      return { day, cost: row?.cost_usd ?? 0, tokens: row ? row.prompt_tokens + row.completion_tokens : 0 };
    });
  }, [reports]);

  const labelOf = (row: UsageReport['data'][number], group: Grouping): string => {
    const value = row[group] ?? '';
    return group === 'key' && keyNames.has(value) ? `${keyNames.get(value)} (${value})` : value;
  };
  const bars = (group: Grouping): Bar[] =>
    (reports?.[group].data ?? [])
      .map((row) => ({
        label: labelOf(row, group),
        value: measureOf(row, measure),
        text: formatMeasure(measureOf(row, measure), measure),
      }))
      .sort((a, b) => b.value - a.value);

  const total = reports?.day.total;
  const exportCsv = (): void => {
    if (!reports) return;
    const rows = reports[grouping].data.map((row) => ({
      ...row,
      ...(grouping === 'key' ? { key_name: keyNames.get(row.key ?? '') ?? '' } : {}),
    }));
    const columns = [grouping, ...(grouping === 'key' ? ['key_name'] : []), ...COLUMNS];
    download(`usage-${reports.day.tenant}-${reports.day.from}-${reports.day.to}-by-${grouping}.csv`, toCsv(columns, rows));
  };

  return (
    <section aria-labelledby="page-title">
      <div class="page-header">
        <h1 id="page-title" tabIndex={-1}>
          Spend{applied.tenant ? ` · ${applied.tenant}` : ''}
        </h1>
      </div>
      <form class="toolbar" onSubmit={apply} aria-label="Tenant and range">
        {admin ? (
          <label>
            Tenant
            <input
              name="tenant"
              required
              list="known-tenants"
              value={tenantInput}
              onInput={(event) => setTenantInput(event.currentTarget.value)}
            />
            <datalist id="known-tenants">
              {tenants.map((tenant) => (
                <option key={tenant} value={tenant} />
              ))}
            </datalist>
          </label>
        ) : null}
        <label>
          From
          <input name="from" type="date" required value={from} max={to} onInput={(event) => setFrom(event.currentTarget.value)} />
        </label>
        <label>
          To
          <input name="to" type="date" required value={to} min={from} onInput={(event) => setTo(event.currentTarget.value)} />
        </label>
        <button type="submit">Show</button>
        <fieldset class="presets">
          <legend class="visually-hidden">Ranges</legend>
          {PRESETS.map((preset) => (
            <button
              key={preset.label}
              type="button"
              class="secondary small"
              onClick={() => {
                const [start, end] = preset.range(today);
                setFrom(start);
                setTo(end);
              }}
            >
              {preset.label}
            </button>
          ))}
        </fieldset>
      </form>
      <ErrorMessage error={error} title="Cannot load usage." />
      {!applied.tenant ? <p class="muted">Choose a tenant to see its spend.</p> : null}
      {loading ? (
        <p class="muted" role="status">
          Loading…
        </p>
      ) : null}
      {reports && total ? (
        <>
          <dl class="cards" data-testid="spend-summary">
            <div class="card">
              <dt>Cost</dt>
              <dd data-testid="total-cost">{formatUsd(total.cost_usd)}</dd>
            </div>
            <div class="card">
              <dt>Always-premium cost</dt>
              <dd>{formatUsd(total.premium_cost_usd)}</dd>
            </div>
            <div class="card">
              <dt>Saved by routing</dt>
              <dd data-testid="total-savings">
                {formatUsd(total.savings_usd)}{' '}
                <span class="muted small">
                  ({formatPercent(total.premium_cost_usd > 0 ? total.savings_usd / total.premium_cost_usd : null)})
                </span>
              </dd>
            </div>
            <div class="card">
              <dt>Requests</dt>
              <dd data-testid="total-requests">
                {formatInt(total.requests)} <span class="muted small">({formatInt(total.errors)} errors)</span>
              </dd>
            </div>
            <div class="card">
              <dt>Tokens</dt>
              <dd>
                {formatCompact(total.prompt_tokens + total.completion_tokens)}{' '}
                <span class="muted small">
                  ({formatCompact(total.prompt_tokens)} in, {formatCompact(total.completion_tokens)} out)
                </span>
              </dd>
            </div>
          </dl>
          {total.requests === 0 ? <p class="muted">No usage in this range yet.</p> : null}
          <div class="panel">
            <h2>By day</h2>
            <DayChart
              points={points}
              label={`Cost and tokens per day for ${reports.day.tenant}, ${reports.day.from} to ${reports.day.to}; the table below has the numbers.`}
            />
          </div>
          <div class="panel">
            <div class="panel-header">
              <h2>Split</h2>
              <label>
                Measure
                <select value={measure} onChange={(event) => setMeasure(event.currentTarget.value as Measure)}>
                  <option value="cost">Cost</option>
                  <option value="tokens">Tokens</option>
                  <option value="requests">Requests</option>
                </select>
              </label>
            </div>
            <div class="grid-2">
              <BarList id="by-model" title="By model" bars={bars('model')} />
              <BarList id="by-key" title="By key" bars={bars('key')} />
            </div>
          </div>
          <div class="panel">
            <div class="panel-header">
              <h2>Table</h2>
              <div class="segmented" role="radiogroup" aria-label="Group rows by">
                {(['day', 'model', 'key'] as const).map((group) => (
                  <label key={group}>
                    <input
                      type="radio"
                      name="grouping"
                      value={group}
                      checked={grouping === group}
                      onChange={() => setGrouping(group)}
                    />
                    {group}
                  </label>
                ))}
              </div>
              <button type="button" class="secondary" onClick={exportCsv}>
                Export CSV
              </button>
            </div>
            <section class="table-wrap" aria-label={`Usage by ${grouping}`}>
              <table data-testid="usage-table">
                <thead>
                  <tr>
                    <th scope="col">{grouping}</th>
                    <th scope="col" class="num">
                      Requests
                    </th>
                    <th scope="col" class="num">
                      Errors
                    </th>
                    <th scope="col" class="num">
                      Prompt tokens
                    </th>
                    <th scope="col" class="num">
                      Completion tokens
                    </th>
                    <th scope="col" class="num">
                      Cost
                    </th>
                    <th scope="col" class="num">
                      Always premium
                    </th>
                    <th scope="col" class="num">
                      Saved
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {reports[grouping].data.map((row) => (
                    <tr key={row[grouping]}>
                      <th scope="row">{labelOf(row, grouping)}</th>
                      <td class="num">{formatInt(row.requests)}</td>
                      <td class="num">{formatInt(row.errors)}</td>
                      <td class="num">{formatInt(row.prompt_tokens)}</td>
                      <td class="num">{formatInt(row.completion_tokens)}</td>
                      <td class="num">{formatUsd(row.cost_usd)}</td>
                      <td class="num">{formatUsd(row.premium_cost_usd)}</td>
                      <td class="num">{formatUsd(row.savings_usd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
        </>
      ) : null}
    </section>
  );
};
