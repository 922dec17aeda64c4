import type { SeriesFieldsFragment } from '../../client/generated/graphql.js';
import { LibraryDocument } from '../../client/operations.js';
import { expectPositionals, type Command } from '../command.js';
import { episodeCode, table } from '../format.js';

/** "S01E02, S01E03, S02E01 +4" */
function missingList(series: SeriesFieldsFragment, shown = 3): string {
  const codes = series.missingEpisodes.map((e) => episodeCode(e.season, e.episode));
  if (codes.length === 0) return '-';
  return codes.slice(0, shown).join(', ') + (codes.length > shown ? ` +${codes.length - shown}` : '');
}

export const library: Command = {
  name: 'library',
  usage: 'library',
  summary: 'the series in the library and what each is missing',
  options: [],
  async run(ctx, args) {
    expectPositionals(args, [], this.name);
    const { library } = await ctx.client.request(LibraryDocument);
    if (ctx.json) return ctx.printJson(library);
    if (library.length === 0) {
      ctx.print('The library is empty. Add a series with: series add <key>');
      return;
    }
    ctx.print(
      table(library, [
        { header: 'FOLDER', value: (s) => s.folder, max: 32 },
        { header: 'NAME', value: (s) => s.name, max: 32 },
        { header: 'KEY', value: (s) => s.key, max: 24 },
        { header: 'MISSING', value: (s) => String(s.missingCount), right: true },
        { header: 'AUTO', value: (s) => (s.autoDownload ? 'on' : '-') },
        { header: 'EPISODES MISSING', value: (s) => missingList(s) },
      ]),
    );
    const total = library.reduce((n, s) => n + s.missingCount, 0);
    ctx.print(`${library.length} series, ${total} missing episode${total === 1 ? '' : 's'}`);
  },
};
