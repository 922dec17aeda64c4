/** Control of single downloads and automation: pause, resume, move, limit, auto, search. */
import type { QueueItemFieldsFragment } from '../../client/generated/graphql.js';
import {
  MoveInQueueDocument,
  PauseDownloadDocument,
  ResumeDownloadDocument,
  SearchCatalogDocument,
  SetSeriesAutoDownloadDocument,
  SettingsDocument,
  UpdateSettingsDocument,
} from '../../client/operations.js';
import { expectPositionals, type Command } from '../command.js';
import { UsageError } from '../errors.js';
import { episodeCode, formatSpeed, table } from '../format.js';
import { queueSummary } from './queue.js';

const itemLine = (i: QueueItemFieldsFragment) => `${i.serieName} ${episodeCode(i.season, i.episode)} (${i.id}): ${i.status}`;

export const pause: Command = {
  name: 'pause',
  usage: 'pause <id>',
  summary: 'hold one download; a running one stops at once and keeps its bytes',
  options: [],
  async run(ctx, args) {
    const [id] = expectPositionals(args, ['id'], this.name);
    const { pauseDownload } = await ctx.client.request(PauseDownloadDocument, { id: id! });
    if (ctx.json) return ctx.printJson(pauseDownload);
    ctx.print(itemLine(pauseDownload));
  },
};

export const resume: Command = {
  name: 'resume',
  usage: 'resume <id>',
  summary: 'put a paused (or failed) download back in its place; it continues from its bytes',
  options: [],
  async run(ctx, args) {
    const [id] = expectPositionals(args, ['id'], this.name);
    const { resumeDownload } = await ctx.client.request(ResumeDownloadDocument, { id: id! });
    if (ctx.json) return ctx.printJson(resumeDownload);
    ctx.print(itemLine(resumeDownload));
  },
};

export const move: Command = {
  name: 'move',
  usage: 'move <id> <position>',
  summary: 'move a pending or paused item; position 0 starts next',
  options: [],
  async run(ctx, args) {
    const [id, pos] = expectPositionals(args, ['id', 'position'], this.name);
    const position = Number(pos);
    if (!Number.isInteger(position) || position < 0) {
      throw new UsageError(`<position> must be a whole number from 0 (starts next), got "${pos}"`, this.name);
    }
    const { moveInQueue } = await ctx.client.request(MoveInQueueDocument, { id: id!, position });
    if (ctx.json) return ctx.printJson(moveInQueue);
    ctx.print(queueSummary(moveInQueue));
    const waiting = [...moveInQueue.pending, ...moveInQueue.paused];
    ctx.print(table(waiting, [
      { header: '#', value: (i) => (i.status === 'PAUSED' ? '-' : String(moveInQueue.pending.indexOf(i))), right: true },
      { header: 'ID', value: (i) => i.id },
      { header: 'SERIES', value: (i) => i.serieName, max: 28 },
      { header: 'EPISODE', value: (i) => episodeCode(i.season, i.episode) },
      { header: 'STATUS', value: (i) => i.status },
    ]));
  },
};

const SIZE_SUFFIX: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "500k", "1.5M", "2000000", "off" → bytes per second (null: no cap). */
export function parseRate(text: string, command: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'off' || t === 'none' || t === '0') return null;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b?(?:\/s)?)?$/.exec(t);
  if (!m) throw new UsageError(`<rate> must be bytes per second like 500k, 2M or 1500000, or "off"; got "${text}"`, command);
  const value = Number(m[1]) * SIZE_SUFFIX[m[2]!]!;
  if (!(value > 0)) throw new UsageError(`<rate> must be more than 0 (or "off"), got "${text}"`, command);
  return Math.round(value);
}

export const limit: Command = {
  name: 'limit',
  usage: 'limit [<rate>|off]',
  summary: 'show or set the speed cap on all downloads together (e.g. 500k, 2M; off for none)',
  options: [],
  async run(ctx, args) {
    const [rate] = expectPositionals(args, ['rate?'], this.name);
    const settings =
      rate === undefined
        ? (await ctx.client.request(SettingsDocument)).settings
        : (await ctx.client.request(UpdateSettingsDocument, { input: { speedLimit: parseRate(rate, this.name) } })).updateSettings;
    if (ctx.json) return ctx.printJson(settings);
    ctx.print(settings.speedLimit === null ? 'Speed limit: none' : `Speed limit: ${formatSpeed(settings.speedLimit)} (${settings.speedLimit} bytes/s)`);
  },
};

export const auto: Command = {
  name: 'auto',
  usage: 'auto <folder> on|off',
  summary: 'download new episodes of a series automatically after each scan (or stop doing so)',
  options: [],
  async run(ctx, args) {
    const [folder, state] = expectPositionals(args, ['folder', 'on|off'], this.name);
    if (state !== 'on' && state !== 'off') throw new UsageError(`expected "on" or "off", got "${state}"`, this.name);
    const { setSeriesAutoDownload: s } = await ctx.client.request(SetSeriesAutoDownloadDocument, { folder: folder!, enabled: state === 'on' });
    if (ctx.json) return ctx.printJson(s);
    ctx.print(`${s.name} (${s.folder}): automatic download ${s.autoDownload ? 'on: missing episodes are queued after each scan' : 'off'}`);
  },
};

export const search: Command = {
  name: 'search',
  usage: 'search <text…>',
  summary: "search the catalog for series (their keys are what 'series add' takes)",
  options: [],
  async run(ctx, args) {
    const query = args.positionals.join(' ').trim();
    if (!query) throw new UsageError('missing <text>', this.name);
    const { searchCatalog } = await ctx.client.request(SearchCatalogDocument, { query });
    if (ctx.json) return ctx.printJson(searchCatalog);
    if (searchCatalog.length === 0) return ctx.print(`No series in the catalog match "${query}".`);
    ctx.print(table(searchCatalog, [
      { header: 'KEY', value: (h) => h.key },
      { header: 'NAME', value: (h) => h.name, max: 60 },
    ]));
  },
};
