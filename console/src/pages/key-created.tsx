import { apiBase } from '../api.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { Modal } from '../components/modal.tsx';
import { pageHref } from '../hash-route.ts';
import type { KeyRecord } from '../types.ts';

/** The secret, once: the router keeps only its hash, so this dialog is the only place it ever appears. */
export const KeyCreated = ({ record, onClose }: { record: KeyRecord & { key: string }; onClose: () => void }) => {
  const base = apiBase().href.replace(/\/$/, '');
  const model = record.models?.[0] ?? 'auto';
  const curl = `curl ${base}/v1/chat/completions \\
  -H "Authorization: Bearer ${record.key}" -H "Content-Type: application/json" \\
  -d '{"model":"${model}","messages":[{"role":"user","content":"Hello!"}]}'`;
  const sdk = `import OpenAI from 'openai';

const client = new OpenAI({ baseURL: '${base}/v1', apiKey: process.env.ROUTER_KEY });
const completion = await client.chat.completions.create({
  model: '${model}',
  messages: [{ role: 'user', content: 'Hello!' }],
});`;
  return (
    <Modal title={`Key ${record.name} created`} onClose={onClose} wide>
      <div class="stack">
        <p class="notice" role="status">
          Copy the key now: it is shown only this once. Tenant <strong>{record.tenant}</strong>, id <code>{record.id}</code>.
        </p>
        <div class="secret-row">
          <label class="visually-hidden" for="new-key-secret">
            The new API key
          </label>
          <input id="new-key-secret" class="secret" readOnly value={record.key} data-testid="new-key-secret" />
          <CopyButton text={record.key} label="Copy key" />
        </div>
        <h3>curl</h3>
        <pre>
          <code>{curl}</code>
        </pre>
        <CopyButton text={curl} label="Copy curl" />
        <h3>OpenAI SDK (ROUTER_KEY set to the key)</h3>
        <pre>
          <code>{sdk}</code>
        </pre>
        <CopyButton text={sdk} label="Copy snippet" />
        <div class="actions">
          <a class="button secondary" href={pageHref('playground')} onClick={onClose}>
            Try it in the playground
          </a>
          <button type="button" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    </Modal>
  );
};
