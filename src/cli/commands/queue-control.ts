import {
  CancelDownloadDocument,
  ClearCompletedDocument,
  RetryFailedDocument,
  StartQueueDocument,
  StopQueueDocument,
} from '../../client/operations.js';
import { expectPositionals, type Command } from '../command.js';
import { OperationFailedError } from '../errors.js';
import { episodeCode } from '../format.js';
import { queueItemsTable, queueSummary } from './queue.js';

export const cancel: Command = {
  name: 'cancel',
  usage: 'cancel <id>',
  summary: 'cancel a queued or running download',
  options: [],
  async run(ctx, args) {
    const [id] = expectPositionals(args, ['id'], this.name);
    const { cancelDownload } = await ctx.client.request(CancelDownloadDocument, { id: id! });
    if (ctx.json) ctx.printJson(cancelDownload);
    if (!cancelDownload) throw new OperationFailedError(`no queue item with id "${id}" (ids are in: anime-progress queue)`, 'NOT_FOUND');
    if (!ctx.json) {
      ctx.print(`${cancelDownload.serieName} ${episodeCode(cancelDownload.season, cancelDownload.episode)} (${cancelDownload.id}): ${cancelDownload.status}`);
    }
  },
};

export const retry: Command = {
  name: 'retry',
  usage: 'retry [<id>…]',
  summary: 'queue failed downloads again (all of them, or the ids given)',
  options: [],
  async run(ctx, args) {
    const ids = args.positionals.length ? args.positionals : undefined;
    const { retryFailed } = await ctx.client.request(RetryFailedDocument, { ids });
    if (ctx.json) return ctx.printJson(retryFailed);
    if (retryFailed.length === 0) {
      ctx.print('Nothing to retry.');
      return;
    }
    ctx.print(`Retrying ${retryFailed.length} download${retryFailed.length === 1 ? '' : 's'}`);
    ctx.print(queueItemsTable(retryFailed));
  },
};

export const clear: Command = {
  name: 'clear',
  usage: 'clear',
  summary: 'remove finished items from the queue',
  options: [],
  async run(ctx, args) {
    expectPositionals(args, [], this.name);
    const { clearCompleted } = await ctx.client.request(ClearCompletedDocument);
    if (ctx.json) return ctx.printJson({ cleared: clearCompleted });
    ctx.print(`Cleared ${clearCompleted} finished item${clearCompleted === 1 ? '' : 's'}`);
  },
};

export const start: Command = {
  name: 'start',
  usage: 'start',
  summary: 'start (resume) the download queue',
  options: [],
  async run(ctx, args) {
    expectPositionals(args, [], this.name);
    const { startQueue } = await ctx.client.request(StartQueueDocument);
    if (ctx.json) return ctx.printJson(startQueue);
    ctx.print(queueSummary(startQueue));
  },
};

export const stop: Command = {
  name: 'stop',
  usage: 'stop',
  summary: 'stop (pause) the download queue',
  options: [],
  async run(ctx, args) {
    expectPositionals(args, [], this.name);
    const { stopQueue } = await ctx.client.request(StopQueueDocument);
    if (ctx.json) return ctx.printJson(stopQueue);
    ctx.print(queueSummary(stopQueue));
  },
};
