import type { LiveProgress, LiveState, Line } from '../live-state.ts';
import { describeProgress, formatPercent, formatTime } from '../format.ts';

const QUEUE_ID = 'download_queue';

function statusText(p: LiveProgress): string {
  if ((p.metadata as { paused?: unknown } | null)?.paused === true) return 'paused';
  return p.status === 'PENDING' ? 'waiting' : p.status === 'IN_PROGRESS' ? '' : p.status.toLowerCase();
}

export function ProgressRow({ p, big = false }: { p: LiveProgress; big?: boolean }) {
  const percent = Math.min(100, Math.max(0, p.percent));
  return (
    <li class={big ? 'op op-overall' : 'op'} data-progress-id={p.id} data-status={p.status}>
      <div class="op-head">
        <span class="op-title">{p.title}</span>
        <span class="op-status">{statusText(p)}</span>
      </div>
      <progress max={100} value={percent} aria-label={`${p.title}: ${formatPercent(percent)}`}>
        {formatPercent(percent)}
      </progress>
      <div class="op-details">
        <span class="op-numbers">{describeProgress(p)}</span>
        {p.message ? <span class="op-message">{p.message}</span> : null}
      </div>
    </li>
  );
}

const MARK: Record<string, string> = { COMPLETED: '✔', FAILED: '✖', CANCELLED: '✖' };

function FinishedLine({ line }: { line: Line }) {
  const p = line.progress;
  return (
    <li class={`line line-${p.status.toLowerCase()}`} data-progress-id={p.id} data-status={p.status} data-cursor={line.cursor}>
      <span class="mark" aria-hidden="true">
        {MARK[p.status] ?? '•'}
      </span>
      <span class="line-title">{p.title}</span>
      <span class="line-what">{p.status === 'COMPLETED' ? p.message ?? 'done' : p.error ?? p.message ?? p.status.toLowerCase()}</span>
      <time dateTime={p.completedAt ?? p.updatedAt}>{formatTime(p.completedAt ?? p.updatedAt)}</time>
    </li>
  );
}

export function LivePanel({ live }: { live: LiveState }) {
  const all = [...live.active.values()];
  const queue = all.find((p) => p.id === QUEUE_ID);
  const others = all.filter((p) => p.id !== QUEUE_ID);
  return (
    <section aria-labelledby="now-h">
      <h2 id="now-h">Now</h2>
      {live.failure ? <p role="alert" class="notice notice-error">{live.failure}</p> : null}
      {queue ? (
        <ul class="ops" aria-label="Overall queue">
          <ProgressRow p={queue} big />
        </ul>
      ) : null}
      {others.length ? (
        <ul class="ops" aria-label="Running operations">
          {others.map((p) => (
            <ProgressRow key={p.id} p={p} />
          ))}
        </ul>
      ) : (
        <p class="empty">Nothing runs right now.</p>
      )}
      <h3>Finished</h3>
      {live.finished.length ? (
        <ul class="lines" aria-label="Finished operations" aria-live="polite">
          {live.finished.map((l) => (
            <FinishedLine key={l.progress.id} line={l} />
          ))}
        </ul>
      ) : (
        <p class="empty">Nothing finished since this page opened.</p>
      )}
      <h3>Errors</h3>
      {live.errors.length ? (
        <ul class="lines errors" aria-label="Errors">
          {live.errors.map((l) => (
            <li key={l.cursor} class="line line-failed" data-progress-id={l.progress.id} data-status={l.progress.status} data-cursor={l.cursor}>
              <span class="mark" aria-hidden="true">
                !
              </span>
              <span class="line-title">{l.progress.title}</span>
              <span class="line-what">{l.progress.error ?? l.progress.message ?? ''}</span>
              <time dateTime={l.progress.updatedAt}>{formatTime(l.progress.updatedAt)}</time>
            </li>
          ))}
        </ul>
      ) : (
        <p class="empty">No errors since this page opened.</p>
      )}
    </section>
  );
}
