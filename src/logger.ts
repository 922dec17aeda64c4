import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

/** How log lines look: `json` (one object per line), `pretty` (for people), `auto` (pretty on a terminal). */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Where log lines go: stdout, or a test's stream (isTTY decides `auto`). */
export type LogDestination = NodeJS.WritableStream & { isTTY?: boolean; fd?: number };

/**
 * pino at `level`. The same fields either way: JSON lines for machines (log collectors,
 * journald, files), or pino-pretty's one line per entry for a person at a terminal (time,
 * level, message, then every other field). `auto` picks by whether the destination is a TTY.
 * Both write synchronously, so the last lines before an exit are not lost.
 */
export function createLogger(level: string, format: LogFormat = 'auto', destination: LogDestination = process.stdout): Logger {
  const options = { level, base: { service: 'anime-progress' } };
  const human = format === 'pretty' || (format === 'auto' && destination.isTTY === true);
  if (!human) {
    return destination === process.stdout ? pino(options) : pino(options, destination);
  }
  const stream = pretty({
    destination,
    sync: true,
    singleLine: true,
    colorize: destination.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
  return pino(options, stream);
}
