import { EnqueueDownloadsDocument, EnqueueMissingDocument } from '../../client/operations.js';
import type { Command } from '../command.js';
import { GraphQLRequestError } from '../../client/index.js';
import { OperationFailedError, UsageError } from '../errors.js';
import { episodeCode } from '../format.js';
import { queueItemsTable } from './queue.js';

/** "S01E02" / "s1e2" → { season: 1, episode: 2 }; null when it is not one. */
export function parseEpisodeCode(text: string): { season: number; episode: number } | null {
  const m = /^s(\d+)e(\d+)$/i.exec(text.trim());
  if (!m) return null;
  return { season: Number(m[1]), episode: Number(m[2]) };
}

export const enqueue: Command = {
  name: 'enqueue',
  usage: 'enqueue <folder> S01E02 [S01E03…] [--replace] | enqueue [<folder>] --missing',
  summary: 'queue episodes of a series (or every missing one); --replace downloads episodes already in the library again',
  options: ['missing', 'replace'],
  async run(ctx, args) {
    const [folder, ...codes] = args.positionals;
    let items;
    if (args.values.missing) {
      if (codes.length) throw new UsageError('give either episodes (S01E02…) or --missing, not both', this.name);
      if (args.values.replace) throw new UsageError('--replace goes with episodes (S01E02…): --missing only queues what is missing', this.name);
      if (folder !== undefined && folder.trim() === '') throw new UsageError('<folder> is empty', this.name);
      items = (await ctx.client.request(EnqueueMissingDocument, { serieFolder: folder })).enqueueMissing;
    } else {
      if (folder === undefined) throw new UsageError('missing <folder>', this.name);
      if (codes.length === 0) throw new UsageError('name the episodes to queue (e.g. S01E02) or pass --missing', this.name);
      const episodes = codes.map((code) => {
        const parsed = parseEpisodeCode(code);
        if (!parsed) throw new UsageError(`"${code}" is not an episode code like S01E02`, this.name);
        return { serieFolder: folder, ...parsed };
      });
      try {
        items = (await ctx.client.request(EnqueueDownloadsDocument, { episodes, replace: args.values.replace === true })).enqueueDownloads;
      } catch (err) {
        // The service's message speaks GraphQL ("replace: true"); here it is a flag.
        if (err instanceof GraphQLRequestError && err.code === 'ALREADY_IN_LIBRARY') {
          throw new OperationFailedError(`${err.message.replace(/;? ?enqueue it with replace: true.*$/, '')}; pass --replace to download it again`, err.code);
        }
        throw err;
      }
    }
    if (ctx.json) return ctx.printJson(items);
    if (items.length === 0) {
      ctx.print('Nothing to queue: no missing episodes.');
      return;
    }
    ctx.print(`Queued ${items.length} episode${items.length === 1 ? '' : 's'}: ${items.map((i) => episodeCode(i.season, i.episode)).join(', ')}`);
    ctx.print(queueItemsTable(items));
  },
};
