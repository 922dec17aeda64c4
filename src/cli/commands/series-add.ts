import { AddSeriesDocument } from '../../client/operations.js';
import { expectPositionals, type Command } from '../command.js';
import { UsageError } from '../errors.js';

export const seriesAdd: Command = {
  name: 'series add',
  usage: 'series add <key> [--folder NAME]',
  summary: 'create a series folder for a catalog key',
  options: ['folder'],
  async run(ctx, args) {
    const [key] = expectPositionals(args, ['key'], this.name);
    const folder = args.values.folder as string | undefined;
    if (folder !== undefined && folder.trim() === '') throw new UsageError('--folder needs a name', this.name);
    const { addSeries } = await ctx.client.request(AddSeriesDocument, { key: key!, folder });
    if (ctx.json) return ctx.printJson(addSeries);
    ctx.print(
      `Added ${addSeries.name} (${addSeries.key}) in folder "${addSeries.folder}": ` +
        `${addSeries.missingCount} missing episode${addSeries.missingCount === 1 ? '' : 's'}`,
    );
  },
};
