import { useEffect, useState } from 'preact/hooks';
import type { DashHistoryQuery, ProgressStatus, ProgressType } from '../generated/graphql.ts';
import { DashHistoryDocument } from '../operations.ts';
import { formatTime } from '../format.ts';
import type { Actions } from './actions.ts';

/** Entries per history page. */
export const HISTORY_PAGE_SIZE = 20;

const TYPES: readonly ProgressType[] = ['DOWNLOAD', 'SCAN', 'QUEUE', 'SYSTEM', 'ERROR'];
const STATUSES: readonly ProgressStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];
const MARK: Record<string, string> = { COMPLETED: '✔', FAILED: '✖', CANCELLED: '✖' };

type Page = DashHistoryQuery['progressHistory'];

/** Finished operations, newest first, filtered and paged by the service; loaded when opened. */
export function HistoryPanel({ actions }: { actions: Actions }) {
  const [open, setOpen] = useState(false);
  const [type, setType] = useState<ProgressType | ''>('');
  const [status, setStatus] = useState<ProgressStatus | ''>('');
  // Cursors that start each page seen so far: the last one is the current page's.
  const [starts, setStarts] = useState<Array<string | null>>([null]);
  const [page, setPage] = useState<Page | null>(null);
  const [reloads, setReloads] = useState(0);
  const after = starts[starts.length - 1] ?? null;

  useEffect(() => {
    if (!open) return;
    let current = true;
    void actions.run('Load the history', async () => {
      const data = await actions.request(DashHistoryDocument, {
        types: type ? [type] : null,
        statuses: status ? [status] : null,
        first: HISTORY_PAGE_SIZE,
        after,
      });
      if (current) setPage(data.progressHistory);
    });
    return () => {
      current = false;
    };
  }, [open, type, status, after, reloads]);

  const first = (starts.length - 1) * HISTORY_PAGE_SIZE;
  return (
    <section aria-labelledby="history-h">
      <details onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          <h2 id="history-h">History</h2>
        </summary>
        <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
          <label for="history-type">Type</label>
          <select
            id="history-type"
            value={type}
            onChange={(e) => {
              setType(e.currentTarget.value as ProgressType | '');
              setStarts([null]);
            }}
          >
            <option value="">all</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t.toLowerCase()}
              </option>
            ))}
          </select>
          <label for="history-status">Status</label>
          <select
            id="history-status"
            value={status}
            onChange={(e) => {
              setStatus(e.currentTarget.value as ProgressStatus | '');
              setStarts([null]);
            }}
          >
            <option value="">all</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => setReloads((n) => n + 1)}>
            Refresh
          </button>
        </form>
        {page ? (
          <>
            <p class="count">
              {page.totalCount
                ? `${first + 1}–${first + page.edges.length} of ${page.totalCount}`
                : 'Nothing finished matches.'}
            </p>
            <ol class="lines history" aria-label="History">
              {page.edges.map(({ cursor, node }) => (
                <li key={cursor} class={`line line-${node.status.toLowerCase()}`} data-progress-id={node.id} data-status={node.status}>
                  <span class="mark" aria-hidden="true">
                    {MARK[node.status] ?? '•'}
                  </span>
                  <span class="line-title">{node.title}</span>
                  <span class="line-what">{node.error ?? node.message ?? node.status.toLowerCase()}</span>
                  <time dateTime={node.completedAt ?? undefined}>{formatTime(node.completedAt)}</time>
                </li>
              ))}
            </ol>
            <div class="toolbar">
              <button type="button" disabled={starts.length <= 1} onClick={() => setStarts(starts.slice(0, -1))}>
                Newer
              </button>
              <button
                type="button"
                disabled={!page.pageInfo.hasNextPage}
                onClick={() => setStarts([...starts, page.pageInfo.endCursor ?? null])}
              >
                Older
              </button>
            </div>
          </>
        ) : open ? (
          <p class="empty">Loading…</p>
        ) : null}
      </details>
    </section>
  );
}
