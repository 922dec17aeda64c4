/**
 * LOG_FORMAT: JSON lines when stdout is not a terminal, one human-readable line per entry when
 * it is (or when asked), with the same fields either way.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger, type LogFormat } from '../../src/logger.js';

/** A destination that records what is written; `isTTY` as a terminal would say. */
function sink(isTTY: boolean): Writable & { isTTY: boolean; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as Writable & { isTTY: boolean; text(): string };
  stream.isTTY = isTTY;
  stream.text = () => chunks.join('');
  return stream;
}

function logOnce(format: LogFormat, isTTY: boolean): string {
  const out = sink(isTTY);
  const logger = createLogger('info', format, out);
  logger.child({ component: 'download-service' }).warn({ itemId: 'abc-123', attempt: 2 }, 'download attempt failed, retrying');
  logger.flush?.();
  return out.text();
}

describe('log format', () => {
  it('auto: JSON when the destination is not a terminal', () => {
    const line = logOnce('auto', false).trim();
    const entry = JSON.parse(line) as Record<string, unknown>;
    expect(entry).toMatchObject({
      level: 40,
      service: 'anime-progress',
      component: 'download-service',
      itemId: 'abc-123',
      attempt: 2,
      msg: 'download attempt failed, retrying',
    });
  });

  it('auto: one readable line with the same fields on a terminal; pretty forces it; json forces JSON', () => {
    for (const [format, tty] of [
      ['auto', true],
      ['pretty', false],
    ] as const) {
      const text = logOnce(format, tty).replace(/\x1b\[[0-9;]*m/g, ''); // without colours
      const lines = text.trim().split('\n');
      expect(lines, `${format} tty=${tty}`).toHaveLength(1);
      expect(() => JSON.parse(lines[0]!)).toThrow();
      expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN/);
      for (const field of ['download attempt failed, retrying', 'anime-progress', '"component":"download-service"', '"itemId":"abc-123"', '"attempt":2']) {
        expect(lines[0], `${format}: ${field}`).toContain(field);
      }
    }
    expect(JSON.parse(logOnce('json', true))).toMatchObject({ itemId: 'abc-123' });
  });

  it('LOG_FORMAT is checked at start', () => {
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT must be one of auto, json, pretty/);
  });
});
