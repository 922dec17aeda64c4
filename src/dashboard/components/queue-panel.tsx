import type { DashQueueFragment, DashQueueItemFragment } from '../generated/graphql.ts';
import {
  DashCancelDocument,
  DashClearCompletedDocument,
  DashMoveDocument,
  DashPauseDocument,
  DashRemoveDocument,
  DashResumeDocument,
  DashRetryDocument,
  DashStartQueueDocument,
  DashStopQueueDocument,
} from '../operations.ts';
import { episodeLabel, formatPercent } from '../format.ts';
import type { Actions } from './actions.ts';

type Item = DashQueueItemFragment;

const label = (item: Item) => `${item.serieName} ${episodeLabel(item.season, item.episode)}`;

function QueueRow({ item, actions, first = false }: { item: Item; actions: Actions; first?: boolean }) {
  const name = label(item);
  const percent = item.progress?.percent ?? null;
  const { request, run } = actions;
  const open = item.status === 'PENDING' || item.status === 'DOWNLOADING';
  return (
    <li class="qitem" data-queue-id={item.id} data-status={item.status}>
      <div class="qitem-main">
        <span class="qitem-name">{name}</span>
        <span class={`badge badge-${item.status.toLowerCase()}`}>{item.status.toLowerCase()}</span>
        {item.status === 'DOWNLOADING' && percent !== null ? (
          <progress max={100} value={percent} aria-label={`${name}: ${formatPercent(percent)}`} />
        ) : null}
        {item.error ? <span class="qitem-error">{item.error}</span> : null}
      </div>
      <div class="qitem-actions">
        {open ? (
          <button type="button" onClick={() => run(`Pause ${name}`, () => request(DashPauseDocument, { id: item.id }))} aria-label={`Pause ${name}`}>
            Pause
          </button>
        ) : null}
        {item.status === 'PAUSED' ? (
          <button type="button" onClick={() => run(`Resume ${name}`, () => request(DashResumeDocument, { id: item.id }))} aria-label={`Resume ${name}`}>
            Resume
          </button>
        ) : null}
        {(item.status === 'PENDING' || item.status === 'PAUSED') && !first ? (
          <button
            type="button"
            onClick={() => run(`Move ${name} to the top`, () => request(DashMoveDocument, { id: item.id, position: 0 }))}
            aria-label={`Move ${name} to the top`}
          >
            Move to top
          </button>
        ) : null}
        {open || item.status === 'PAUSED' ? (
          <button type="button" onClick={() => run(`Cancel ${name}`, () => request(DashCancelDocument, { id: item.id }))} aria-label={`Cancel ${name}`}>
            Cancel
          </button>
        ) : null}
        {item.status === 'FAILED' ? (
          <button type="button" onClick={() => run(`Retry ${name}`, () => request(DashRetryDocument, { ids: [item.id] }))} aria-label={`Retry ${name}`}>
            Retry
          </button>
        ) : null}
        {item.status !== 'DOWNLOADING' ? (
          <button type="button" onClick={() => run(`Remove ${name}`, () => request(DashRemoveDocument, { ids: [item.id] }))} aria-label={`Remove ${name}`}>
            Remove
          </button>
        ) : null}
      </div>
    </li>
  );
}

function Group({ title, items, actions, firstId }: { title: string; items: readonly Item[]; actions: Actions; firstId?: string }) {
  if (!items.length) return null;
  return (
    <>
      <h3>
        {title} <span class="count">({items.length})</span>
      </h3>
      <ol class="queue" aria-label={title}>
        {items.map((item) => (
          <QueueRow key={item.id} item={item} actions={actions} first={item.id === firstId} />
        ))}
      </ol>
    </>
  );
}

/**
 * The item that already starts next, when that is certain: moveInQueue counts pending and paused
 * items together, and the API lists them apart, so with paused items every one may move.
 */
function firstWaiting(queue: DashQueueFragment): string | undefined {
  return queue.paused.length ? undefined : queue.pending[0]?.id;
}

export function QueuePanel({ queue, actions }: { queue: DashQueueFragment | null; actions: Actions }) {
  const { request, run } = actions;
  return (
    <section aria-labelledby="queue-h">
      <h2 id="queue-h">Queue</h2>
      {queue ? (
        <>
          <div class="toolbar">
            <span class={queue.isRunning ? 'state state-on' : 'state state-off'} data-queue-running={String(queue.isRunning)}>
              {queue.isRunning ? 'Running' : 'Stopped'}
            </span>
            {queue.isRunning ? (
              <button type="button" onClick={() => run('Stop the queue', () => request(DashStopQueueDocument))}>
                Stop queue
              </button>
            ) : (
              <button type="button" onClick={() => run('Start the queue', () => request(DashStartQueueDocument))}>
                Start queue
              </button>
            )}
            <button
              type="button"
              disabled={!queue.failed.length}
              onClick={() => run('Retry all failed', () => request(DashRetryDocument, {}))}
            >
              Retry failed
            </button>
            <button
              type="button"
              disabled={!queue.completed.length}
              onClick={() => run('Clear finished', () => request(DashClearCompletedDocument))}
            >
              Clear finished
            </button>
          </div>
          {queue.active.length + queue.pending.length + queue.paused.length + queue.failed.length + queue.completed.length === 0 ? (
            <p class="empty">The queue is empty. Queue missing episodes from the library below.</p>
          ) : null}
          <Group title="Downloading" items={queue.active} actions={actions} />
          <Group title="Waiting" items={queue.pending} actions={actions} firstId={firstWaiting(queue)} />
          <Group title="Paused" items={queue.paused} actions={actions} firstId={firstWaiting(queue)} />
          <Group title="Failed" items={queue.failed} actions={actions} />
          <Group title="Finished" items={queue.completed} actions={actions} />
        </>
      ) : (
        <p class="empty">Loading the queue…</p>
      )}
    </section>
  );
}
