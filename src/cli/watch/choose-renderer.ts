import type { CliContext } from '../context.js';
import { createJsonRenderer, createPlainRenderer } from './plain-renderer.js';
import type { WatchRenderer } from './renderer.js';
import { createTtyRenderer } from './tty-renderer.js';

/** JSON lines with --json, live bars in a terminal, plain log lines otherwise (pipe, file, --plain). */
export function chooseRenderer(ctx: CliContext, options: { plain?: boolean; showQueue: boolean }): WatchRenderer {
  if (ctx.json) return createJsonRenderer(ctx.print, ctx.warn);
  if (ctx.stdout.isTTY && !options.plain && process.env.TERM !== 'dumb') return createTtyRenderer(ctx.stdout, options);
  return createPlainRenderer({ write: ctx.print, writeNotice: ctx.warn });
}
