import type { QueueItemFieldsFragment, QueueStatusFieldsFragment } from '../../client/generated/graphql.js';
import { QueueDocument } from '../../client/operations.js';
import { expectPositionals, type Command } from '../command.js';
import type { CliContext } from '../context.js';
import { episodeCode, formatBytes, formatPercent, formatSpeed, table } from '../format.js';

function progressCell(item: QueueItemFieldsFragment): string {
  const p = item.progress;
  if (item.status === 'COMPLETED') return '100%';
  if (!p) return '-';
  if (item.status === 'PAUSED') return `${formatPercent(p.percent).trim()} ${formatBytes(p.current)} kept`;
  const bytes = p.total ? `${formatBytes(p.current)}/${formatBytes(p.total)}` : formatBytes(p.current);
  return `${formatPercent(p.percent).trim()} ${bytes} ${p.speed ? formatSpeed(p.speed) : ''}`.trim();
}

/** One table of queue items (any status). */
export function queueItemsTable(items: readonly QueueItemFieldsFragment[]): string {
  return table(items, [
    { header: 'ID', value: (i) => i.id },
    { header: 'SERIES', value: (i) => i.serieName, max: 28 },
    { header: 'EPISODE', value: (i) => episodeCode(i.season, i.episode) },
    { header: 'STATUS', value: (i) => i.status },
    { header: 'PROGRESS', value: progressCell },
    { header: 'ERROR', value: (i) => i.error ?? '', max: 60 },
  ]);
}

/** "Queue running · 2 pending, 1 active, 1 paused, 3 completed, 0 failed · 42% overall" */
export function queueSummary(q: QueueStatusFieldsFragment): string {
  return (
    `Queue ${q.isRunning ? 'running' : 'stopped'} · ${q.pending.length} pending, ${q.active.length} active, ` +
    `${q.paused.length ? `${q.paused.length} paused, ` : ''}` +
    `${q.completed.length} completed, ${q.failed.length} failed · ${Math.floor(q.overallPercent)}% overall`
  );
}

export function printQueue(ctx: CliContext, q: QueueStatusFieldsFragment): void {
  ctx.print(queueSummary(q));
  const items = [...q.active, ...q.pending, ...q.paused, ...q.failed, ...q.completed];
  if (items.length) ctx.print(queueItemsTable(items));
}

export const queue: Command = {
  name: 'queue',
  usage: 'queue',
  summary: 'the download queue as a table',
  options: [],
  async run(ctx, args) {
    expectPositionals(args, [], this.name);
    const { queue } = await ctx.client.request(QueueDocument);
    if (ctx.json) return ctx.printJson(queue);
    printQueue(ctx, queue);
  },
};
