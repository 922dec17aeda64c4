import { useState } from 'preact/hooks';
import type { DashSearchCatalogQuery, DashSeriesFragment } from '../generated/graphql.ts';

type CatalogHit = DashSearchCatalogQuery['searchCatalog'][number];
import {
  DashAddSeriesDocument,
  DashEnqueueMissingDocument,
  DashSearchCatalogDocument,
  DashSetAutoDownloadDocument,
  DashStartScanDocument,
} from '../operations.ts';
import { episodeLabel } from '../format.ts';
import type { Actions } from './actions.ts';

function SeriesRow({ s, actions, reload }: { s: DashSeriesFragment; actions: Actions; reload: () => void }) {
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
        <label class="switch">
          <input
            type="checkbox"
            role="switch"
            checked={s.autoDownload}
            aria-label={`Download new episodes of ${s.name} automatically`}
            onChange={(e) => {
              const enabled = e.currentTarget.checked;
              void run(`Auto-download for ${s.name}`, async () => {
                await request(DashSetAutoDownloadDocument, { folder: s.folder, enabled });
                reload();
              });
            }}
          />
          Auto-download
        </label>
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

/** Adds a series found with the catalog's search. */
function AddSeries({ actions, library, onAdded }: { actions: Actions; library: readonly DashSeriesFragment[]; onAdded: () => void }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<readonly CatalogHit[] | null>(null);
  const have = new Set(library.map((s) => s.key));
  return (
    <>
      <form
        class="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const q = query.trim();
          if (!q) return;
          void actions.run(`Search the catalog for "${q}"`, async () => {
            setHits((await actions.request(DashSearchCatalogDocument, { query: q })).searchCatalog);
          });
        }}
      >
        <label for="catalog-search">Add a series: search the catalog</label>
        <input id="catalog-search" name="q" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} autocomplete="off" />
        <button type="submit">Search</button>
      </form>
      {hits ? (
        hits.length ? (
          <ul class="hits" aria-label="Catalog search results">
            {hits.map((hit) => (
              <li key={hit.key} data-catalog-key={hit.key}>
                <span>
                  {hit.name} <span class="series-folder">{hit.key}</span>
                </span>
                {have.has(hit.key) ? (
                  <span class="badge badge-completed">in library</span>
                ) : (
                  <button
                    type="button"
                    aria-label={`Add ${hit.name}`}
                    onClick={() =>
                      actions.run(`Add ${hit.name}`, async () => {
                        await actions.request(DashAddSeriesDocument, { key: hit.key });
                        onAdded();
                      })
                    }
                  >
                    Add
                  </button>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p class="empty">The catalog has nothing for "{query.trim()}".</p>
        )
      ) : null}
    </>
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
      <AddSeries actions={actions} library={library ?? []} onAdded={reload} />
      {library === null ? (
        <p class="empty">Loading the library…</p>
      ) : library.length ? (
        <ul class="library" aria-label="Series">
          {library.map((s) => (
            <SeriesRow key={s.folder} s={s} actions={actions} reload={reload} />
          ))}
        </ul>
      ) : (
        <p class="empty">No series yet: add one above.</p>
      )}
    </section>
  );
}
