import { builder } from './builder.js';
import { ProgressRef } from './progress.js';
import { withRelease } from '../lib/async-iterators.js';
import type { QueueStatusView } from '../services/queue-view.js';
import type { QueueItemRecord } from '../store/queue-store.js';

const DownloadStatusEnum = builder.enumType('DownloadStatus', {
  values: {
    PENDING: {},
    DOWNLOADING: {},
    PAUSED: { description: 'Held by the user: not started, or stopped with its part file kept; resumes from those bytes.' },
    COMPLETED: {},
    FAILED: {},
    CANCELLED: {},
  } as const,
});

const QueueItemRef = builder.objectRef<QueueItemRecord>('QueueItem').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    serieFolder: t.exposeString('serieFolder'),
    serieName: t.exposeString('serieName'),
    season: t.exposeInt('season'),
    episode: t.exposeInt('episode'),
    status: t.expose('status', { type: DownloadStatusEnum }),
    progress: t.field({
      type: ProgressRef,
      nullable: true,
      description: 'The live progress record of this download, while it has one.',
      resolve: (item, _args, ctx) => ctx.downloads.progressOf(item),
    }),
    error: t.exposeString('error', { nullable: true }),
    retryCount: t.exposeInt('retryCount'),
    addedAt: t.expose('addedAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    filePath: t.exposeString('filePath', {
      nullable: true,
      description: 'Path of the finished file, relative to the library root.',
    }),
  }),
});

const QueueStatusRef = builder.objectRef<QueueStatusView>('QueueStatus').implement({
  fields: (t) => ({
    isRunning: t.exposeBoolean('isRunning', { description: 'False while the queue is stopped (paused).' }),
    pending: t.expose('pending', { type: [QueueItemRef] }),
    active: t.expose('active', { type: [QueueItemRef] }),
    paused: t.expose('paused', { type: [QueueItemRef], description: 'Items held with pauseDownload, in queue order.' }),
    completed: t.expose('completed', { type: [QueueItemRef] }),
    failed: t.expose('failed', { type: [QueueItemRef] }),
    overallPercent: t.exposeFloat('overallPercent', {
      description: 'Overall progress of all unfinished work in the queue, 0 to 100.',
    }),
  }),
});

const EpisodeInput = builder.inputType('EpisodeInput', {
  fields: (t) => ({
    serieFolder: t.string({ required: true }),
    season: t.int({ required: true }),
    episode: t.int({ required: true }),
  }),
});

builder.queryFields((t) => ({
  queue: t.field({ type: QueueStatusRef, resolve: (_root, _args, ctx) => ctx.downloads.status() }),
}));

builder.mutationFields((t) => ({
  enqueueDownloads: t.field({
    type: [QueueItemRef],
    description: [
      'Append episodes to the download queue (FIFO). An episode already pending or active is not',
      'added twice, and that is not an error: its existing item is returned. An episode whose file',
      'is already in the library is refused (ALREADY_IN_LIBRARY) unless replace is true.',
    ].join('\n'),
    args: {
      episodes: t.arg({ type: [EpisodeInput], required: true }),
      replace: t.arg.boolean({
        required: false,
        defaultValue: false,
        description: 'Download episodes whose file is already in the library again, replacing it.',
      }),
    },
    resolve: (_root, { episodes, replace }, ctx) => ctx.downloads.enqueue(episodes, { replace: replace ?? false }),
  }),
  enqueueMissing: t.field({
    type: [QueueItemRef],
    description: [
      'Queue every missing episode of one series, or of the whole library when serieFolder is omitted.',
      'Each series is checked against its folder and the catalog first: no scan is needed.',
    ].join('\n'),
    args: { serieFolder: t.arg.string({ required: false }) },
    resolve: (_root, { serieFolder }, ctx) => ctx.downloads.enqueueMissing(serieFolder),
  }),
  cancelDownload: t.field({
    type: QueueItemRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.downloads.cancel(String(id)),
  }),
  removeFromQueue: t.int({
    args: { ids: t.arg.idList({ required: true }) },
    resolve: (_root, { ids }, ctx) => ctx.downloads.remove(ids.map(String)),
  }),
  retryFailed: t.field({
    type: [QueueItemRef],
    args: { ids: t.arg.idList({ required: false }) },
    resolve: (_root, { ids }, ctx) => ctx.downloads.retryFailed(ids?.map(String)),
  }),
  clearCompleted: t.int({ resolve: (_root, _args, ctx) => ctx.downloads.clearCompleted() }),
  pauseDownload: t.field({
    type: QueueItemRef,
    description: 'Hold a pending or active download; an active one stops at once and keeps its part file.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.downloads.pause(String(id)),
  }),
  resumeDownload: t.field({
    type: QueueItemRef,
    description: 'Put a paused (or failed) download back in its place in the queue.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.downloads.resume(String(id)),
  }),
  moveInQueue: t.field({
    type: QueueStatusRef,
    description: 'Move a pending or paused item; position 0 starts next.',
    args: { id: t.arg.id({ required: true }), position: t.arg.int({ required: true }) },
    resolve: (_root, { id, position }, ctx) => ctx.downloads.move(String(id), position),
  }),
  startQueue: t.field({ type: QueueStatusRef, resolve: (_root, _args, ctx) => ctx.downloads.start() }),
  stopQueue: t.field({ type: QueueStatusRef, resolve: (_root, _args, ctx) => ctx.downloads.stop() }),
}));

builder.subscriptionFields((t) => ({
  queueUpdated: t.field({
    type: QueueStatusRef,
    description: 'The queue each time it changes.',
    // The queue now, then again after each queue change or download update: both arrive as
    // progress events (the queue never broadcasts by itself).
    subscribe: (_root, _args, ctx) => {
      const events = ctx.progress.stream({ types: ['QUEUE', 'DOWNLOAD'] });
      async function* statuses(): AsyncGenerator<QueueStatusView> {
        yield await ctx.downloads.status();
        for await (const _event of events) yield await ctx.downloads.status();
      }
      return withRelease(statuses(), () => void events.return?.());
    },
    resolve: (status: QueueStatusView) => status,
  }),
}));
