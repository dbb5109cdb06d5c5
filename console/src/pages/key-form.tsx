import { useState } from 'preact/hooks';
import type { Api } from '../api.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { Modal } from '../components/modal.tsx';
import type { CreateKeyRequest, KeyRecord, UpdateKeyRequest } from '../types.ts';

const LIMITS = [
  { field: 'rpm', label: 'Requests per minute', step: '1' },
  { field: 'tpm', label: 'Tokens per minute', step: '1' },
  { field: 'monthlyTokens', label: 'Tokens per month', step: '1' },
  { field: 'monthlyBudgetUsd', label: 'Budget per month (USD)', step: 'any' },
] as const;
type LimitField = (typeof LIMITS)[number]['field'];

interface FormValues {
  tenant: string;
  name: string;
  models: string;
  plan: string;
  expiresAt: string;
  metadata: string;
  limits: Record<LimitField, string>;
}

const pad = (value: number): string => String(value).padStart(2, '0');

/** An ISO time as a `datetime-local` value, in the browser's time zone. */
const toLocalInput = (iso: string | undefined): string => {
  if (!iso) return '';
  const date = new Date(iso);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
};

const valuesOf = (record: KeyRecord | undefined, tenant: string): FormValues => ({
  tenant: record?.tenant ?? tenant,
  name: record?.name ?? '',
  models: record?.models?.join(', ') ?? '',
  plan: record?.plan ?? '',
  expiresAt: toLocalInput(record?.expiresAt),
  metadata: Object.entries(record?.metadata ?? {})
    .map(([name, value]) => `${name}=${value}`)
    .join('\n'),
  limits: Object.fromEntries(LIMITS.map(({ field }) => [field, String(record?.limits?.[field] ?? '')])) as Record<
    LimitField,
    string
  >,
});

class FormError extends Error {}

const parseModels = (text: string): string[] | undefined => {
  const models = text
    .split(/[\s,]+/)
    .map((model) => model.trim())
    .filter(Boolean);
  return models.length > 0 ? models : undefined;
};

const parseMetadata = (text: string): Record<string, string> | undefined => {
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf('=');
      if (at <= 0) throw new FormError(`Metadata "${line}" is not name=value.`);
      return [line.slice(0, at).trim(), line.slice(at + 1).trim()] as const;
    });
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
};

const parseLimit = (field: LimitField, text: string): number | undefined => {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new FormError(`${field} must be a positive number (or empty for none).`);
  return value;
};

const parseExpiry = (text: string): string | undefined => (text ? new Date(text).toISOString() : undefined);

const createRequest = (values: FormValues): CreateKeyRequest => {
  const limits = Object.fromEntries(
    LIMITS.flatMap(({ field }) => {
      const value = parseLimit(field, values.limits[field]);
      return value === undefined ? [] : [[field, value]];
    }),
  );
  const models = parseModels(values.models);
  const metadata = parseMetadata(values.metadata);
  const expiresAt = parseExpiry(values.expiresAt);
  return {
    tenant: values.tenant.trim(),
    name: values.name.trim() || 'default',
    ...(models ? { models } : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    ...(values.plan.trim() ? { plan: values.plan.trim() } : {}),
    ...(metadata ? { metadata } : {}),
    ...(expiresAt ? { expiresAt } : {}),
  };
};

/** Only what changed; an emptied field is `null` (removed), limits change field by field. */
const updateRequest = (before: FormValues, after: FormValues): UpdateKeyRequest => {
  const patch: UpdateKeyRequest = {};
  if (after.name.trim() !== before.name.trim() && after.name.trim()) patch.name = after.name.trim();
  if (after.models !== before.models) patch.models = parseModels(after.models) ?? null;
  if (after.plan.trim() !== before.plan.trim()) patch.plan = after.plan.trim() || null;
  if (after.expiresAt !== before.expiresAt) patch.expiresAt = parseExpiry(after.expiresAt) ?? null;
  if (after.metadata.trim() !== before.metadata.trim()) patch.metadata = parseMetadata(after.metadata) ?? null;
  const limits: NonNullable<UpdateKeyRequest['limits']> = {};
  for (const { field } of LIMITS) {
    if (after.limits[field].trim() !== before.limits[field].trim())
      limits[field] = parseLimit(field, after.limits[field]) ?? null;
  }
  if (Object.keys(limits).length > 0) patch.limits = limits;
  return patch;
};

interface KeyFormProps {
  api: Api;
  /** The key to edit; a new key when absent. */
  record?: KeyRecord;
  tenant: string;
  models: readonly string[];
  onCreated: (record: KeyRecord & { key: string }) => void;
  onSaved: (record: KeyRecord) => void;
  onClose: () => void;
}

export const KeyForm = ({ api, record, tenant, models, onCreated, onSaved, onClose }: KeyFormProps) => {
  const [initial] = useState(() => valuesOf(record, tenant));
  const [values, setValues] = useState(initial);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<FormValues>): void => setValues((current) => ({ ...current, ...change }));
  const setLimit = (field: LimitField, value: string): void =>
    setValues((current) => ({ ...current, limits: { ...current.limits, [field]: value } }));

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      if (record) {
        const patch = updateRequest(initial, values);
        if (Object.keys(patch).length === 0) throw new FormError('Nothing changed.');
        setBusy(true);
        onSaved(await api<KeyRecord>(`/admin/keys/${encodeURIComponent(record.id)}`, { method: 'PATCH', body: patch }));
      } else {
        const body = createRequest(values);
        setBusy(true);
        onCreated(await api<KeyRecord & { key: string }>('/admin/keys', { method: 'POST', body }));
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={record ? `Edit key ${record.name}` : 'New API key'} onClose={onClose} wide>
      <form onSubmit={submit} class="stack" aria-label={record ? 'Edit key' : 'New key'}>
        <div class="grid-2">
          <label>
            Tenant
            <input
              name="tenant"
              required
              pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
              value={values.tenant}
              readOnly={record !== undefined}
              onInput={(event) => set({ tenant: event.currentTarget.value })}
            />
          </label>
          <label>
            Name
            <input
              name="name"
              maxLength={128}
              value={values.name}
              onInput={(event) => set({ name: event.currentTarget.value })}
            />
          </label>
        </div>
        <label>
          <span>
            Models and aliases it may use <span class="muted small">(comma-separated; empty: all)</span>
          </span>
          <input
            name="models"
            list="known-models"
            value={values.models}
            onInput={(event) => set({ models: event.currentTarget.value })}
          />
          <datalist id="known-models">
            {models.map((model) => (
              <option key={model} value={model} />
            ))}
          </datalist>
        </label>
        <fieldset class="grid-2">
          <legend>
            Limits <span class="muted small">(empty: the plan's or the default)</span>
          </legend>
          {LIMITS.map(({ field, label, step }) => (
            <label key={field}>
              {label}
              <input
                name={field}
                type="number"
                min="0"
                step={step}
                inputMode={step === '1' ? 'numeric' : 'decimal'}
                value={values.limits[field]}
                onInput={(event) => setLimit(field, event.currentTarget.value)}
              />
            </label>
          ))}
        </fieldset>
        <div class="grid-2">
          <label>
            Plan
            <input name="plan" maxLength={64} value={values.plan} onInput={(event) => set({ plan: event.currentTarget.value })} />
          </label>
          <label>
            <span>
              Expires <span class="muted small">(your time zone; empty: never)</span>
            </span>
            <input
              name="expiresAt"
              type="datetime-local"
              value={values.expiresAt}
              onInput={(event) => set({ expiresAt: event.currentTarget.value })}
            />
          </label>
        </div>
        <label>
          <span>
            Metadata <span class="muted small">(one name=value a line)</span>
          </span>
          <textarea
            name="metadata"
            rows={3}
            value={values.metadata}
            onInput={(event) => set({ metadata: event.currentTarget.value })}
          />
        </label>
        <ErrorMessage error={error} title={record ? 'Not saved.' : 'Not created.'} />
        <div class="actions">
          <button type="button" class="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={busy}>
            {record ? 'Save changes' : 'Create key'}
          </button>
        </div>
      </form>
    </Modal>
  );
};
