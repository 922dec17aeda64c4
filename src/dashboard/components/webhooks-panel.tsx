import { useEffect, useState } from 'preact/hooks';
import type { DashWebhookDeliveryFragment, DashWebhookFragment, ProgressStatus, ProgressType } from '../generated/graphql.ts';
import { DashAddWebhookDocument, DashRemoveWebhookDocument, DashTestWebhookDocument, DashWebhooksDocument } from '../operations.ts';
import { formatTime } from '../format.ts';
import type { Actions } from './actions.ts';

const TYPES: readonly ProgressType[] = ['DOWNLOAD', 'SCAN', 'QUEUE', 'SYSTEM', 'ERROR'];
const STATUSES: readonly ProgressStatus[] = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'];
/** What a webhook receives unless told otherwise (the API's default). */
const DEFAULT_STATUSES: readonly ProgressStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

function describeDelivery(d: DashWebhookDeliveryFragment): string {
  const answer = d.httpStatus === null ? 'no answer' : `HTTP ${d.httpStatus}`;
  return `${d.ok ? 'delivered' : 'failed'} (${answer}${d.attempts > 1 ? `, ${d.attempts} attempts` : ''})${d.error ? `: ${d.error}` : ''} · ${formatTime(d.at)}`;
}

function toggle<T>(list: readonly T[], value: T, on: boolean): T[] {
  return on ? [...list.filter((v) => v !== value), value] : list.filter((v) => v !== value);
}

/** Webhooks: add one (URL, which types and statuses, an optional signing secret), test it, remove it. */
export function WebhooksPanel({ actions }: { actions: Actions }) {
  const [hooks, setHooks] = useState<readonly DashWebhookFragment[] | null>(null);
  const [tests, setTests] = useState<Record<string, string>>({});
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [types, setTypes] = useState<readonly ProgressType[]>([]);
  const [statuses, setStatuses] = useState<readonly ProgressStatus[]>(DEFAULT_STATUSES);

  const reload = () => actions.request(DashWebhooksDocument).then((d) => setHooks(d.webhooks));
  useEffect(() => {
    void actions.run('Load the webhooks', reload);
  }, [actions]);

  return (
    <section aria-labelledby="webhooks-h">
      <h2 id="webhooks-h">Webhooks</h2>
      {hooks === null ? (
        <p class="empty">Loading…</p>
      ) : hooks.length ? (
        <ul class="library" aria-label="Webhooks">
          {hooks.map((h) => (
            <li key={h.id} data-webhook-id={h.id}>
              <div class="series-head">
                <span class="series-name">{h.url}</span>
                {h.signed ? <span class="badge">signed</span> : null}
                {h.pending ? <span class="badge badge-pending">{h.pending} waiting</span> : null}
              </div>
              <p class="count">
                {h.types ? h.types.map((t) => t.toLowerCase()).join(', ') : 'all types'} ·{' '}
                {h.statuses.map((s) => s.toLowerCase()).join(', ')}
              </p>
              {h.lastDelivery ? <p class="count">Last: {describeDelivery(h.lastDelivery)}</p> : null}
              {tests[h.id] ? (
                <p class="count" role="status" data-webhook-test>
                  Test: {tests[h.id]}
                </p>
              ) : null}
              <div class="qitem-actions">
                <button
                  type="button"
                  aria-label={`Test ${h.url}`}
                  onClick={() =>
                    actions.run(`Test ${h.url}`, async () => {
                      const { testWebhook } = await actions.request(DashTestWebhookDocument, { id: h.id });
                      setTests({ ...tests, [h.id]: describeDelivery(testWebhook) });
                      await reload();
                    })
                  }
                >
                  Test
                </button>
                <button
                  type="button"
                  aria-label={`Remove ${h.url}`}
                  onClick={() =>
                    actions.run(`Remove ${h.url}`, async () => {
                      await actions.request(DashRemoveWebhookDocument, { id: h.id });
                      await reload();
                    })
                  }
                >
                  Remove
                </button>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p class="empty">No webhooks. Add one to have finished operations POSTed to a URL.</p>
      )}
      <form
        class="settings"
        onSubmit={(e) => {
          e.preventDefault();
          void actions.run('Add the webhook', async () => {
            await actions.request(DashAddWebhookDocument, {
              url: url.trim(),
              types: types.length ? [...types] : null,
              statuses: statuses.length ? [...statuses] : null,
              secret: secret || null,
            });
            setUrl('');
            setSecret('');
            await reload();
          });
        }}
      >
        <label for="webhook-url">URL</label>
        <input id="webhook-url" name="url" type="url" required placeholder="http://…" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
        <fieldset>
          <legend>Types (none checked: all)</legend>
          {TYPES.map((t) => (
            <label key={t} class="switch">
              <input type="checkbox" checked={types.includes(t)} onChange={(e) => setTypes(toggle(types, t, e.currentTarget.checked))} />
              {t.toLowerCase()}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Statuses</legend>
          {STATUSES.map((s) => (
            <label key={s} class="switch">
              <input type="checkbox" checked={statuses.includes(s)} onChange={(e) => setStatuses(toggle(statuses, s, e.currentTarget.checked))} />
              {s.toLowerCase().replace('_', ' ')}
            </label>
          ))}
        </fieldset>
        <label for="webhook-secret">Signing secret (optional)</label>
        <input id="webhook-secret" name="secret" type="password" autocomplete="off" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
        <div class="toolbar">
          <button type="submit">Add webhook</button>
        </div>
      </form>
    </section>
  );
}
