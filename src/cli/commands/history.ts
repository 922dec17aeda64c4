import { ProgressHistoryDocument } from '../../client/operations.js';
import { expectPositionals, parseEnumList, parseIntOption, PROGRESS_STATUSES, PROGRESS_TYPES, type Command } from '../command.js';
import { formatTime, table } from '../format.js';

/** Entries per request: the most the service's progressHistory gives in one page. */
const HISTORY_PAGE = 100;

export const history: Command = {
  name: 'history',
  usage: 'history [--type DOWNLOAD,SCAN,…] [--status COMPLETED,FAILED,…] [--limit N]',
  summary: 'finished operations, newest first',
  options: ['type', 'types', 'status', 'limit'],
  async run(ctx, args) {
    expectPositionals(args, [], this.name);
    const types = parseEnumList(args.values.type ?? args.values.types, PROGRESS_TYPES, 'type', this.name);
    const statuses = parseEnumList(args.values.status, PROGRESS_STATUSES, 'status', this.name);
    const limit = parseIntOption(args.values.limit, 'limit', this.name, 1, 1000) ?? 20;
    // The service pages at most HISTORY_PAGE entries at a time: follow the cursor to the limit.
    const rows = [];
    let totalCount = 0;
    let after: string | null | undefined;
    do {
      const first = Math.min(HISTORY_PAGE, limit - rows.length);
      const { progressHistory } = await ctx.client.request(ProgressHistoryDocument, { types, statuses, first, after });
      totalCount = progressHistory.totalCount;
      rows.push(...progressHistory.edges.map((e) => e.node));
      after = progressHistory.pageInfo.hasNextPage ? progressHistory.pageInfo.endCursor : null;
    } while (after && rows.length < limit);
    if (ctx.json) return ctx.printJson({ totalCount, items: rows });
    if (rows.length === 0) {
      ctx.print('No finished operations match.');
      return;
    }
    ctx.print(
      table(rows, [
        { header: 'FINISHED', value: (p) => formatTime(p.completedAt ?? p.updatedAt) },
        { header: 'TYPE', value: (p) => p.type },
        { header: 'STATUS', value: (p) => p.status },
        { header: 'ID', value: (p) => p.id, max: 40 },
        { header: 'TITLE', value: (p) => p.title, max: 36 },
        { header: 'DETAIL', value: (p) => p.error ?? p.message ?? '', max: 60 },
      ]),
    );
    ctx.print(`${rows.length} of ${totalCount}`);
  },
};
