import { useEffect, useState } from 'preact/hooks';
import type { DashSettingsFragment } from '../generated/graphql.ts';
import { DashSettingsDocument, DashUpdateSettingsDocument } from '../operations.ts';
import { formatSpeed } from '../format.ts';
import type { Actions } from './actions.ts';

/** The form speaks KB/s and minutes; the API bytes/s and seconds. */
const KB = 1024;
const MINUTE = 60;

interface Form {
  speedKb: string;
  scanMinutes: string;
  concurrency: string;
}

const toForm = (s: DashSettingsFragment): Form => ({
  speedKb: s.speedLimit === null ? '' : String(Math.round((s.speedLimit / KB) * 10) / 10),
  scanMinutes: String(Math.round((s.autoScanInterval / MINUTE) * 100) / 100),
  concurrency: String(s.downloadConcurrency),
});

/** Speed cap, scan interval and concurrency, applied by the service at once and kept across restarts. */
export function SettingsPanel({ actions }: { actions: Actions }) {
  const [settings, setSettings] = useState<DashSettingsFragment | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    void actions.run('Load the settings', async () => {
      const { settings } = await actions.request(DashSettingsDocument);
      setSettings(settings);
      setForm(toForm(settings));
    });
  }, [actions]);

  if (!form || !settings) {
    return (
      <section aria-labelledby="settings-h">
        <h2 id="settings-h">Settings</h2>
        <p class="empty">Loading…</p>
      </section>
    );
  }
  const field = (name: keyof Form) => ({
    value: form[name],
    onInput: (e: { currentTarget: HTMLInputElement }) => {
      setSaved(false);
      setForm({ ...form, [name]: e.currentTarget.value });
    },
  });
  return (
    <section aria-labelledby="settings-h">
      <h2 id="settings-h">Settings</h2>
      <form
        class="settings"
        onSubmit={(e) => {
          e.preventDefault();
          void actions.run('Save the settings', async () => {
            const speed = form.speedKb.trim();
            const { updateSettings } = await actions.request(DashUpdateSettingsDocument, {
              input: {
                speedLimit: speed === '' || Number(speed) === 0 ? null : Number(speed) * KB,
                autoScanInterval: Math.round(Number(form.scanMinutes) * MINUTE),
                downloadConcurrency: Number(form.concurrency),
              },
            });
            setSettings(updateSettings);
            setForm(toForm(updateSettings));
            setSaved(true);
          });
        }}
      >
        <label for="speed-limit">Speed cap, KB/s (empty for none)</label>
        <input id="speed-limit" name="speedLimit" type="number" min="0" step="any" inputMode="decimal" {...field('speedKb')} />
        <label for="scan-interval">Scan the library every … minutes (0 for never)</label>
        <input id="scan-interval" name="autoScanInterval" type="number" min="0" step="any" inputMode="decimal" {...field('scanMinutes')} />
        <label for="concurrency">Downloads at once (1–32)</label>
        <input id="concurrency" name="downloadConcurrency" type="number" min="1" max="32" step="1" inputMode="numeric" {...field('concurrency')} />
        <div class="toolbar">
          <button type="submit">Save settings</button>
          <span class="count" role="status">
            {saved ? 'Saved. ' : ''}
            {settings.speedLimit === null ? 'No speed cap' : `Capped at ${formatSpeed(settings.speedLimit)}`}
          </span>
        </div>
      </form>
    </section>
  );
}
