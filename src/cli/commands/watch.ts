import { ActiveProgressDocument } from '../../client/operations.js';
import { expectPositionals, parseEnumList, PROGRESS_TYPES, type Command } from '../command.js';
import { chooseRenderer } from '../watch/choose-renderer.js';
import { runWatchSession } from '../watch/session.js';
import { WatchTracker } from '../watch/tracker.js';
import { isPaused, type Progress } from '../watch/describe.js';

/** Work that moves: not a paused download, not a queue holding nothing but paused items. */
function busy(p: Progress): boolean {
  if (isPaused(p)) return false;
  if (p.type === 'QUEUE') {
    const m = (p.metadata ?? {}) as { pending?: number; active?: number };
    if (m.pending === 0 && m.active === 0) return false;
  }
  return true;
}

export const watch: Command = {
  name: 'watch',
  usage: 'watch [--types DOWNLOAD,SCAN,QUEUE,SYSTEM,ERROR] [--exit-when-idle] [--plain]',
  summary: 'live progress bars of everything the service does (Ctrl-C to stop)',
  options: ['types', 'type', 'exit-when-idle', 'plain'],
  async run(ctx, args) {
    expectPositionals(args, [], this.name);
    const types = parseEnumList(args.values.types ?? args.values.type, PROGRESS_TYPES, 'types', this.name);
    const exitWhenIdle = args.values['exit-when-idle'] === true;
    // Over HTTP first: says at once (exit 3) when the service is not there or refuses the token.
    const { activeProgress } = await ctx.client.request(ActiveProgressDocument, { types });
    if (exitWhenIdle && !activeProgress.some(busy)) {
      if (!ctx.json) ctx.warn('Nothing is active.');
      return;
    }
    const renderer = chooseRenderer(ctx, { plain: args.values.plain === true, showQueue: !types || types.includes('QUEUE') });
    if (!ctx.json && !ctx.stdout.isTTY) ctx.warn(`Watching ${ctx.url}${types ? ` (${types.join(', ')})` : ''}; Ctrl-C to stop`);
    const tracker = new WatchTracker(renderer);
    try {
      const end = await runWatchSession(ctx, {
        types,
        tracker,
        notice: (text) => renderer.notice(text),
        poll: exitWhenIdle
          ? async () =>
              ![...tracker.active.values()].some(busy) &&
              !(await ctx.client.request(ActiveProgressDocument, { types })).activeProgress.some(busy)
          : undefined,
      });
      if (end === 'ended') renderer.notice('The service ended the stream.');
    } finally {
      renderer.close();
    }
  },
};
