import { ProgressDocument, StartScanDocument } from '../../client/operations.js';
import { expectPositionals, type Command } from '../command.js';
import { OperationFailedError } from '../errors.js';
import { finishedLine, isFinished, type Progress } from '../watch/describe.js';
import { chooseRenderer } from '../watch/choose-renderer.js';
import type { WatchRenderer } from '../watch/renderer.js';
import { runWatchSession } from '../watch/session.js';
import { WatchTracker } from '../watch/tracker.js';

const SCAN_ID = 'library_scan';

const silent: WatchRenderer = { update() {}, finish() {}, notice() {}, close() {} };

export const scan: Command = {
  name: 'scan',
  usage: 'scan [--wait]',
  summary: 'start a library scan; --wait shows a bar until it is done',
  options: ['wait', 'plain'],
  async run(ctx, args) {
    expectPositionals(args, [], this.name);
    const { startScan } = await ctx.client.request(StartScanDocument);
    if (args.values.wait !== true) {
      if (ctx.json) return ctx.printJson(startScan);
      ctx.print(`Scan started (${startScan.id})${startScan.message ? `: ${startScan.message}` : ''}`);
      return;
    }
    const renderer = ctx.json ? silent : chooseRenderer(ctx, { plain: args.values.plain === true, showQueue: false });
    const tracker = new WatchTracker(renderer);
    const ours = (p: Progress) => p.id === SCAN_ID && p.startedAt === startScan.startedAt;
    let final: Progress | null = null;
    // Whether the stream delivered the end (the renderer then showed the service's event).
    let streamed = false;
    const done = (p: Progress, fromStream: boolean) => {
      final = p;
      streamed = fromStream;
      return true;
    };
    let end;
    try {
      end = await runWatchSession(ctx, {
        ids: [SCAN_ID],
        tracker,
        notice: (text) => renderer.notice(text),
        onEvent: (e) => (ours(e.progress) && isFinished(e.progress) ? done(e.progress, true) : false),
        // A scan of a small library can end before the subscription is up: ask as well.
        poll: async () => {
          const { progress } = await ctx.client.request(ProgressDocument, { id: SCAN_ID });
          return progress !== null && ours(progress) && isFinished(progress) ? done(progress, false) : false;
        },
      });
    } finally {
      renderer.close();
    }
    const result = final as Progress | null;
    // Found by asking, not streamed: show the record the service answered with, as it is.
    if (result && !streamed && !ctx.json) ctx.print(finishedLine(result));
    if (!result) throw new OperationFailedError(end === 'signal' ? 'stopped waiting; the scan goes on' : 'the service ended the stream before the scan finished');
    if (ctx.json) ctx.printJson(result);
    if (result.status === 'FAILED') throw new OperationFailedError(`the scan failed: ${result.error ?? 'unknown error'}`);
    if (result.status === 'CANCELLED') throw new OperationFailedError('the scan was cancelled');
  },
};
