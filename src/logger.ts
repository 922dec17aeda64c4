import { pino, type Logger } from 'pino';

/** JSON lines on stdout (pino); level from LOG_LEVEL. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'anime-progress' } });
}
