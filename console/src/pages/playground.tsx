import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type Api, request } from '../api.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { type CreatedKey, recentKeys, rememberKey } from '../recent-keys.ts';
import type { KeyRecord, RoutingDecision, Session } from '../types.ts';

const PLAYGROUND_KEY_HOURS = 24;

/**
 * The admin key cannot call the inference API, and the decision depends on the key anyway (its
 * models, plan, tenant rules, budget): the operator routes as a key, one made in this tab, a
 * pasted one, or a short-lived playground key made here for a tenant.
 */
const KeyChooser = ({ api, onKey }: { api: Api; onKey: (key: string) => void }) => {
  // A key id, or 'paste'; the secret itself stays out of the page's markup.
  const [choice, setChoice] = useState<string>(() => recentKeys()[0]?.id ?? '');
  const [pasted, setPasted] = useState('');
  const [tenant, setTenant] = useState('');
  const [error, setError] = useState<unknown>();
  const [keys, setKeys] = useState<readonly CreatedKey[]>(recentKeys);
  const current = choice === 'paste' ? pasted.trim() : (keys.find((key) => key.id === choice)?.secret ?? '');
  useEffect(() => onKey(current), [current, onKey]);

  const createPlaygroundKey = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      const record = await api<KeyRecord & { key: string }>('/admin/keys', {
        method: 'POST',
        body: {
          tenant: tenant.trim(),
          name: 'console-playground',
          expiresAt: new Date(Date.now() + PLAYGROUND_KEY_HOURS * 3_600_000).toISOString(),
          metadata: { purpose: 'console routing playground' },
        },
      });
      rememberKey({ id: record.id, name: record.name, tenant: record.tenant, secret: record.key });
      setKeys([...recentKeys()]);
      setChoice(record.id);
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <fieldset class="stack">
      <legend>Route as key</legend>
      <label for="route-key">Key</label>
      <select id="route-key" name="route-key" value={choice} onChange={(event) => setChoice(event.currentTarget.value)}>
        <option value="">Choose a key…</option>
        {keys.map((key) => (
          <option key={key.id} value={key.id}>
            {key.name} ({key.tenant}, {key.id}), created in this tab
          </option>
        ))}
        <option value="paste">Paste a key…</option>
      </select>
      {choice === 'paste' ? (
        <label>
          API key
          <input
            name="pasted-key"
            type="password"
            autocomplete="off"
            value={pasted}
            onInput={(event) => setPasted(event.currentTarget.value)}
          />
        </label>
      ) : null}
      <form class="toolbar" onSubmit={createPlaygroundKey} aria-label="Create a playground key">
        <label>
          Tenant
          <input name="playground-tenant" required value={tenant} onInput={(event) => setTenant(event.currentTarget.value)} />
        </label>
        <button type="submit" class="secondary">
          Create a playground key
        </button>
      </form>
      <p class="muted small">
        A playground key expires in {PLAYGROUND_KEY_HOURS} h and is listed under Keys. Dry runs call no model and cost nothing,
        but count as requests against the key's per-minute limit.
      </p>
      <ErrorMessage error={error} title="No key created." />
    </fieldset>
  );
};

/** A prompt in, the router's decision out (tier, score, model, reason), with no model called. */
export const PlaygroundPage = ({ api, session }: { api: Api; session: Session }) => {
  const [routeKey, setRouteKey] = useState(session.role === 'tenant' ? session.key : '');
  const [model, setModel] = useState('auto');
  const [models, setModels] = useState<string[]>([]);
  const [system, setSystem] = useState('');
  const [prompt, setPrompt] = useState('');
  const [decision, setDecision] = useState<RoutingDecision>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  // The models this key may ask for, as suggestions.
  useEffect(() => {
    if (!routeKey) return;
    request<{ data: Array<{ id: string }> }>(routeKey, '/v1/models').then(
      (list) => setModels(list.data.map((entry) => entry.id)),
      () => setModels([]),
    );
  }, [routeKey]);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const messages = [...(system.trim() ? [{ role: 'system', content: system }] : []), { role: 'user', content: prompt }];
      setDecision(
        await request<RoutingDecision>(routeKey, '/v1/chat/completions', {
          method: 'POST',
          headers: { 'x-router-dry-run': '1' },
          body: { model: model.trim() || 'auto', messages },
        }),
      );
    } catch (failure) {
      setDecision(undefined);
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="page-title">
      <div class="page-header">
        <h1 id="page-title" tabIndex={-1}>
          Routing playground
        </h1>
      </div>
      <p class="muted">
        What the router would decide for a prompt: the request goes through authentication, guardrails and routing with{' '}
        <code>x-router-dry-run: 1</code>, and no model is called.
      </p>
      <div class="grid-2 playground">
        <div class="stack">
          {session.role === 'admin' ? <KeyChooser api={api} onKey={setRouteKey} /> : null}
          <form class="stack" onSubmit={submit} aria-label="Route a prompt">
            <label>
              Model or alias
              <input
                name="model"
                list="playground-models"
                value={model}
                onInput={(event) => setModel(event.currentTarget.value)}
              />
              <datalist id="playground-models">
                {models.map((id) => (
                  <option key={id} value={id} />
                ))}
              </datalist>
            </label>
            <label>
              <span>
                System prompt <span class="muted small">(optional)</span>
              </span>
              <textarea name="system" rows={2} value={system} onInput={(event) => setSystem(event.currentTarget.value)} />
            </label>
            <label>
              Prompt
              <textarea
                name="prompt"
                rows={8}
                required
                value={prompt}
                onInput={(event) => setPrompt(event.currentTarget.value)}
              />
            </label>
            <button type="submit" disabled={busy || !routeKey}>
              {busy ? 'Routing…' : 'Show the decision'}
            </button>
            {!routeKey ? <p class="muted small">Choose a key to route as first.</p> : null}
          </form>
        </div>
        <div aria-live="polite">
          <ErrorMessage error={error} title="No decision." />
          {decision ? (
            <div class="panel" data-testid="decision">
              <h2>Decision</h2>
              <dl class="facts">
                <dt>Model</dt>
                <dd data-testid="decision-model">
                  {decision.model} <span class="muted">({decision.provider})</span>
                </dd>
                <dt>Tier</dt>
                <dd data-testid="decision-tier">{decision.tier}</dd>
                <dt>Score</dt>
                <dd>
                  {decision.score === null ? '–' : decision.score}
                  {decision.scorer ? <span class="muted"> ({decision.scorer})</span> : null}
                </dd>
                <dt>Reason</dt>
                <dd data-testid="decision-reason">{decision.reason}</dd>
                {decision.rule ? (
                  <>
                    <dt>Rule</dt>
                    <dd>{decision.rule}</dd>
                  </>
                ) : null}
                <dt>Fallbacks</dt>
                <dd>{decision.fallbacks.length > 0 ? decision.fallbacks.join(' → ') : 'none'}</dd>
              </dl>
              <details>
                <summary>What the router read of the request</summary>
                <dl class="facts small">
                  {Object.entries(decision.features).map(([name, value]) => (
                    <Fragment key={name}>
                      <dt>{name}</dt>
                      <dd>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</dd>
                    </Fragment>
                  ))}
                </dl>
              </details>
            </div>
          ) : null}
        </div>
      </div>
    </section>
  );
};
