import { useState } from 'preact/hooks';
import type { DashSeriesFragment } from '../generated/graphql.ts';
import { DashAddSeriesDocument, DashEnqueueMissingDocument, DashStartScanDocument } from '../operations.ts';
import { episodeLabel } from '../format.ts';
import type { Actions } from './actions.ts';

function SeriesRow({ s, actions }: { s: DashSeriesFragment; actions: Actions }) {
  const { request, run } = actions;
  return (
    <li class="series" data-series-folder={s.folder}>
      <div class="series-head">
        <span class="series-name">{s.name}</span>
        <span class="series-folder">{s.folder}</span>
        <span class={s.missingCount ? 'badge badge-pending' : 'badge badge-completed'}>
          {s.missingCount ? `${s.missingCount} missing` : 'complete'}
        </span>
      </div>
      {s.scanError ? <p class="qitem-error">{s.scanError}</p> : null}
      {s.missingCount ? (
        <details>
          <summary>Missing episodes</summary>
          <ul class="episodes">
            {s.missingEpisodes.map((e) => (
              <li key={`${e.season}-${e.episode}`}>
                {episodeLabel(e.season, e.episode)}
                {e.title ? ` — ${e.title}` : ''}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <div class="qitem-actions">
        <button
          type="button"
          disabled={!s.missingCount}
          onClick={() => run(`Download missing of ${s.name}`, () => request(DashEnqueueMissingDocument, { serieFolder: s.folder }))}
          aria-label={`Download missing episodes of ${s.name}`}
        >
          Download missing
        </button>
      </div>
    </li>
  );
}

/** Adds a series by its catalog key (the catalog's search arrives with the automation API). */
function AddSeries({ actions, onAdded }: { actions: Actions; onAdded: () => void }) {
  const [key, setKey] = useState('');
  return (
    <form
      class="toolbar"
      onSubmit={(e) => {
        e.preventDefault();
        const k = key.trim();
        if (!k) return;
        void actions.run(`Add ${k}`, async () => {
          await actions.request(DashAddSeriesDocument, { key: k });
          setKey('');
          onAdded();
        });
      }}
    >
      <label for="add-key">Add a series by catalog key</label>
      <input id="add-key" name="key" value={key} onInput={(e) => setKey(e.currentTarget.value)} autocomplete="off" />
      <button type="submit">Add</button>
    </form>
  );
}

export function LibraryPanel({
  library,
  actions,
  reload,
}: {
  library: readonly DashSeriesFragment[] | null;
  actions: Actions;
  reload: () => void;
}) {
  const { request, run } = actions;
  const missing = library?.reduce((n, s) => n + s.missingCount, 0) ?? 0;
  return (
    <section aria-labelledby="library-h">
      <h2 id="library-h">Library</h2>
      <div class="toolbar">
        <button type="button" onClick={() => run('Scan the library', () => request(DashStartScanDocument))}>
          Scan library
        </button>
        <button
          type="button"
          disabled={!missing}
          onClick={() => run('Download all missing', () => request(DashEnqueueMissingDocument, {}))}
        >
          Download all missing ({missing})
        </button>
      </div>
      <AddSeries actions={actions} onAdded={reload} />
      {library === null ? (
        <p class="empty">Loading the library…</p>
      ) : library.length ? (
        <ul class="library" aria-label="Series">
          {library.map((s) => (
            <SeriesRow key={s.folder} s={s} actions={actions} />
          ))}
        </ul>
      ) : (
        <p class="empty">No series yet: add one above.</p>
      )}
    </section>
  );
}
