import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api.ts';
import { BarList } from '../components/bar-list.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { formatCompact, formatDuration, formatInt, formatMs, formatPercent, formatUsd } from '../format.ts';
import type { InstanceStats } from '../types.ts';

const REFRESH_MS = 5_000;

/**
 * This instance's last minutes (`GET /admin/stats`). In AWS each Lambda instance keeps its own:
 * this is the one that answered, so numbers can jump between refreshes; CloudWatch has the fleet.
 */
export const LivePage = ({ api }: { api: Api }) => {
  const [stats, setStats] = useState<InstanceStats>();
  const [error, setError] = useState<unknown>();
  const [updatedAt, setUpdatedAt] = useState<Date>();
  const [paused, setPaused] = useState(false);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    api<InstanceStats>('/admin/stats', { signal: controller.signal }).then(
      (next) => {
        setStats(next);
        setError(undefined);
        setUpdatedAt(new Date());
      },
      (failure: unknown) => {
        if (!controller.signal.aborted) setError(failure);
      },
    );
    return () => controller.abort();
  }, [api, tick]);

  // Polls while visible and not paused: a hidden tab costs the router nothing.
  useEffect(() => {
    if (paused) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((count) => count + 1);
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [paused]);

  const models = stats?.recent.models ?? [];
  const served = models.reduce((total, model) => total + model.requests, 0);
  const failed = models.reduce((total, model) => total + model.errors, 0);
  return (
    <section aria-labelledby="page-title">
      <div class="page-header">
        <h1 id="page-title" tabIndex={-1}>
          Live
        </h1>
        <div class="toolbar compact">
          <span class="muted small" aria-live="polite">
            {updatedAt ? `Updated ${updatedAt.toLocaleTimeString()}` : 'Loading…'}
            {paused ? ' (paused)' : ''}
          </span>
          <button type="button" class="secondary" onClick={() => setPaused((value) => !value)}>
            {paused ? 'Resume' : 'Pause'}
          </button>
          <button type="button" class="secondary" onClick={() => setTick((count) => count + 1)}>
            Refresh
          </button>
        </div>
      </div>
      <p class="muted small">
        This instance only, last {stats ? formatDuration(stats.recent.windowSeconds) : '5 min'}. Behind API Gateway each Lambda
        instance has its own numbers; CloudWatch shows the fleet.
      </p>
      <ErrorMessage error={error} title="Cannot read the stats." />
      {stats ? (
        <>
          <dl class="cards">
            <div class="card">
              <dt>Inference requests</dt>
              <dd data-testid="live-requests">{formatInt(served)}</dd>
            </div>
            <div class="card">
              <dt>Error rate</dt>
              <dd>{formatPercent(served > 0 ? failed / served : null)}</dd>
            </div>
            <div class="card">
              <dt>Key cache hit rate</dt>
              <dd>{formatPercent(stats.keyCache.hitRate)}</dd>
            </div>
            <div class="card">
              <dt>Instance</dt>
              <dd>
                up {formatDuration(stats.instance.uptimeSeconds)}{' '}
                <span class="muted small">({formatInt(stats.instance.memoryMb)} MB)</span>
              </dd>
            </div>
          </dl>
          <div class="grid-2">
            <div class="panel">
              <BarList
                id="live-by-model"
                title="Requests by model"
                bars={models.map((model) => ({ label: model.model, value: model.requests, text: formatInt(model.requests) }))}
              />
            </div>
            <div class="panel">
              <h2>Circuit breakers</h2>
              <ul class="breakers" data-testid="breakers">
                {Object.entries(stats.breakers).map(([model, state]) => (
                  <li key={model}>
                    <span>{model}</span> <span class={`badge ${state}`}>{state}</span>
                  </li>
                ))}
              </ul>
              <h2>Responses by status (every endpoint)</h2>
              <p>
                {Object.entries(stats.recent.statuses).length === 0
                  ? 'No requests yet.'
                  : Object.entries(stats.recent.statuses)
                      .map(([status, count]) => `${status}: ${formatInt(count)}`)
                      .join(' · ')}
              </p>
            </div>
          </div>
          <div class="panel">
            <h2>By model</h2>
            <section class="table-wrap" aria-label="Recent requests by model">
              <table data-testid="live-models">
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    <th scope="col" class="num">
                      Requests
                    </th>
                    <th scope="col" class="num">
                      Errors
                    </th>
                    <th scope="col" class="num">
                      Error rate
                    </th>
                    <th scope="col" class="num">
                      Fallbacks
                    </th>
                    <th scope="col" class="num">
                      p50
                    </th>
                    <th scope="col" class="num">
                      p99
                    </th>
                    <th scope="col" class="num">
                      First token p50
                    </th>
                    <th scope="col" class="num">
                      First token p99
                    </th>
                    <th scope="col" class="num">
                      Tokens
                    </th>
                    <th scope="col" class="num">
                      Cost
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {models.map((model) => (
                    <tr key={model.model}>
                      <th scope="row">{model.model}</th>
                      <td class="num">{formatInt(model.requests)}</td>
                      <td class="num">{formatInt(model.errors)}</td>
                      <td class="num">{formatPercent(model.requests > 0 ? model.errors / model.requests : null)}</td>
                      <td class="num">{formatInt(model.fallbacks)}</td>
                      <td class="num">{formatMs(model.latencyMs.p50)}</td>
                      <td class="num">{formatMs(model.latencyMs.p99)}</td>
                      <td class="num">{formatMs(model.timeToFirstTokenMs?.p50)}</td>
                      <td class="num">{formatMs(model.timeToFirstTokenMs?.p99)}</td>
                      <td class="num">{formatCompact(model.promptTokens + model.completionTokens)}</td>
                      <td class="num">{formatUsd(model.costUsd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            {models.length === 0 ? <p class="muted">No inference requests in the window.</p> : null}
          </div>
        </>
      ) : null}
    </section>
  );
};
