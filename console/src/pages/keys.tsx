import { useEffect, useState } from 'preact/hooks';
import { type Api, query } from '../api.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { Modal } from '../components/modal.tsx';
import { formatDateTime, formatInt, formatUsd } from '../format.ts';
import { pageHref, replaceParams } from '../hash-route.ts';
import { rememberKey } from '../recent-keys.ts';
import type { InstanceStats, KeyList, KeyRecord } from '../types.ts';
import { KeyCreated } from './key-created.tsx';
import { KeyForm } from './key-form.tsx';

const describeLimits = (limits: KeyRecord['limits']): string => {
  if (!limits || Object.keys(limits).length === 0) return 'plan / default';
  const parts: string[] = [];
  if (limits.rpm !== undefined) parts.push(`${formatInt(limits.rpm)} rpm`);
  if (limits.tpm !== undefined) parts.push(`${formatInt(limits.tpm)} tpm`);
  if (limits.monthlyTokens !== undefined) parts.push(`${formatInt(limits.monthlyTokens)} tokens/month`);
  if (limits.monthlyBudgetUsd !== undefined) parts.push(`${formatUsd(limits.monthlyBudgetUsd)}/month`);
  return parts.join(', ');
};

const isExpired = (record: KeyRecord): boolean => record.expiresAt !== undefined && Date.parse(record.expiresAt) <= Date.now();

const statusOf = (record: KeyRecord): string =>
  record.status === 'revoked' ? 'revoked' : isExpired(record) ? 'expired' : 'active';

const PAGE_SIZES = [20, 50, 100];

/** Every key (no secrets): filter by tenant, page through, create, edit, revoke. */
export const KeysPage = ({ api, params }: { api: Api; params: URLSearchParams }) => {
  const [tenant, setTenant] = useState(params.get('tenant') ?? '');
  const [filter, setFilter] = useState(tenant);
  const [pageSize, setPageSize] = useState(PAGE_SIZES[0] ?? 20);
  // The cursors of the pages seen so far: the last one is the page shown (undefined: the first).
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [page, setPage] = useState<KeyList>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const [reload, setReload] = useState(0);
  const [models, setModels] = useState<string[]>([]);
  const [editing, setEditing] = useState<KeyRecord | 'new'>();
  const [created, setCreated] = useState<KeyRecord & { key: string }>();
  const [revoking, setRevoking] = useState<KeyRecord>();
  const [revokeError, setRevokeError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const cursor = cursors.at(-1);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(undefined);
    api<KeyList>(`/admin/keys${query({ tenant: tenant || undefined, limit: pageSize, after: cursor })}`, {
      signal: controller.signal,
    })
      .then(setPage, (failure: unknown) => {
        if (controller.signal.aborted) return;
        // No stale rows under an error: they would look like the answer to the new filter.
        setPage(undefined);
        setError(failure);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [api, tenant, pageSize, cursor, reload]);

  // The configured models, for suggestions in the key form (the stats list every model's breaker).
  useEffect(() => {
    api<InstanceStats>('/admin/stats').then(
      (stats) => setModels(Object.keys(stats.breakers)),
      () => undefined,
    );
  }, [api]);

  const applyFilter = (event: Event): void => {
    event.preventDefault();
    setTenant(filter.trim());
    setCursors([undefined]);
    replaceParams('keys', { tenant: filter.trim() || undefined });
  };

  const revoke = async (): Promise<void> => {
    if (!revoking) return;
    setRevokeError(undefined);
    try {
      await api(`/admin/keys/${encodeURIComponent(revoking.id)}`, { method: 'DELETE' });
      setNotice(`Key ${revoking.name} (${revoking.id}) revoked.`);
      setRevoking(undefined);
      setReload((count) => count + 1);
    } catch (failure) {
      setRevokeError(failure);
    }
  };

  return (
    <section aria-labelledby="page-title">
      <div class="page-header">
        <h1 id="page-title" tabIndex={-1}>
          API keys
        </h1>
        <button type="button" onClick={() => setEditing('new')}>
          New key
        </button>
      </div>
      <form class="toolbar" onSubmit={applyFilter} aria-label="Filter keys">
        <label>
          Tenant
          <input
            name="tenant-filter"
            value={filter}
            placeholder="all tenants"
            onInput={(event) => setFilter(event.currentTarget.value)}
          />
        </label>
        <button type="submit" class="secondary">
          Filter
        </button>
        <label>
          Per page
          <select
            value={String(pageSize)}
            onChange={(event) => {
              setPageSize(Number(event.currentTarget.value));
              setCursors([undefined]);
            }}
          >
            {PAGE_SIZES.map((size) => (
              <option key={size} value={String(size)}>
                {size}
              </option>
            ))}
          </select>
        </label>
      </form>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorMessage error={error} title="Cannot list keys." />
      <section class="table-wrap" aria-label="Keys">
        <table aria-busy={loading} data-testid="keys-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Tenant</th>
              <th scope="col">Status</th>
              <th scope="col">Models</th>
              <th scope="col">Limits</th>
              <th scope="col">Plan</th>
              <th scope="col">Expires</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page?.data.map((record) => (
              <tr key={record.id} data-key-id={record.id}>
                <th scope="row">
                  {record.name}
                  <div class="muted small mono">{record.id}</div>
                  <div class="muted small mono">{record.hint}</div>
                </th>
                <td>
                  <a href={pageHref('spend', { tenant: record.tenant })}>{record.tenant}</a>
                </td>
                <td>
                  <span class={`badge ${statusOf(record)}`}>{statusOf(record)}</span>
                </td>
                <td>{record.models?.join(', ') ?? 'all'}</td>
                <td data-testid="key-limits">{describeLimits(record.limits)}</td>
                <td>{record.plan ?? '–'}</td>
                <td>{record.expiresAt ? formatDateTime(record.expiresAt) : 'never'}</td>
                <td>{formatDateTime(record.createdAt)}</td>
                <td class="row-actions">
                  {record.status === 'active' ? (
                    <>
                      <button
                        type="button"
                        class="secondary"
                        onClick={() => setEditing(record)}
                        aria-label={`Edit ${record.name}`}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        class="danger"
                        onClick={() => {
                          setRevokeError(undefined);
                          setRevoking(record);
                        }}
                        aria-label={`Revoke ${record.name}`}
                      >
                        Revoke
                      </button>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {page && page.data.length === 0 && !loading ? <p class="muted">No keys{tenant ? ` for tenant ${tenant}` : ''}.</p> : null}
      <nav class="pager" aria-label="Pages of keys">
        <button
          type="button"
          class="secondary"
          disabled={cursors.length <= 1 || loading}
          onClick={() => setCursors((all) => all.slice(0, -1))}
        >
          Previous
        </button>
        <span class="muted">Page {cursors.length}</span>
        <button
          type="button"
          class="secondary"
          disabled={!page?.has_more || !page.next || loading}
          onClick={() => setCursors((all) => [...all, page?.next])}
        >
          Next
        </button>
      </nav>

      {editing ? (
        <KeyForm
          api={api}
          {...(editing === 'new' ? {} : { record: editing })}
          tenant={tenant}
          models={models}
          onClose={() => setEditing(undefined)}
          onCreated={(record) => {
            rememberKey({ id: record.id, name: record.name, tenant: record.tenant, secret: record.key });
            setEditing(undefined);
            setCreated(record);
            setNotice(`Key ${record.name} created for tenant ${record.tenant}.`);
            setReload((count) => count + 1);
          }}
          onSaved={(record) => {
            setEditing(undefined);
            setNotice(`Key ${record.name} saved.`);
            setReload((count) => count + 1);
          }}
        />
      ) : null}
      {created ? <KeyCreated record={created} onClose={() => setCreated(undefined)} /> : null}
      {revoking ? (
        <Modal title={`Revoke ${revoking.name}?`} onClose={() => setRevoking(undefined)}>
          <div class="stack">
            <p>
              Key <code>{revoking.id}</code> of tenant <strong>{revoking.tenant}</strong> stops working: at once on the instance
              that serves this call, within the key cache time (10 s by default) on the others. This cannot be undone.
            </p>
            <ErrorMessage error={revokeError} title="Not revoked." />
            <div class="actions">
              <button type="button" class="secondary" onClick={() => setRevoking(undefined)}>
                Cancel
              </button>
              <button type="button" class="danger" onClick={revoke}>
                Revoke key
              </button>
            </div>
          </div>
        </Modal>
      ) : null}
    </section>
  );
};
