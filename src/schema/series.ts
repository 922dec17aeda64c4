import { builder } from './builder.js';
import { ProgressRef } from './progress.js';
import type { EpisodeRecord, SeriesRecord } from '../store/library-store.js';

const EpisodeRef = builder.objectRef<EpisodeRecord>('Episode').implement({
  fields: (t) => ({
    season: t.exposeInt('season'),
    episode: t.exposeInt('episode'),
    title: t.exposeString('title', { nullable: true }),
  }),
});

export const SeriesRef = builder.objectRef<SeriesRecord>('Series').implement({
  description: 'A series folder in the library: as the last scan saw it, kept current as downloads finish.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The catalog key (slug).' }),
    name: t.exposeString('name'),
    folder: t.exposeString('folder', { description: 'Folder name below the library root.' }),
    missingEpisodes: t.field({
      type: [EpisodeRef],
      description: 'Episodes the catalog has that the folder lacks.',
      resolve: (s) => s.missingEpisodes,
    }),
    missingCount: t.int({ resolve: (s) => s.missingEpisodes.length }),
    autoDownload: t.boolean({
      description: 'Queue new episodes of this series automatically after each scan (scheduled or manual).',
      resolve: (s) => s.autoDownload ?? false,
    }),
    scanError: t.exposeString('error', {
      nullable: true,
      description: 'Why the last scan could not check this series against the catalog, if it could not.',
    }),
  }),
});

builder.queryFields((t) => ({
  library: t.field({
    type: [SeriesRef],
    resolve: (_root, _args, ctx) => ctx.anime.listLibrary(),
  }),
  series: t.field({
    type: SeriesRef,
    nullable: true,
    args: { folder: t.arg.string({ required: true }) },
    resolve: (_root, { folder }, ctx) => ctx.anime.getSeries(folder),
  }),
}));

builder.mutationFields((t) => ({
  addSeries: t.field({
    type: SeriesRef,
    description: 'Create a series folder for a catalog key and record it in the library.',
    args: { key: t.arg.string({ required: true }), folder: t.arg.string({ required: false }) },
    resolve: (_root, { key, folder }, ctx) => ctx.anime.addSeries(key, folder),
  }),
  removeSeries: t.field({
    type: SeriesRef,
    description: [
      'Take a series out of the library; returns it as last known. Its queue items are removed (a',
      'running download is cancelled). Its folder and files stay, without series.json, unless',
      'deleteFiles is true: then the whole folder is deleted.',
    ].join('\n'),
    args: {
      folder: t.arg.string({ required: true }),
      deleteFiles: t.arg.boolean({ required: false, defaultValue: false }),
    },
    resolve: (_root, { folder, deleteFiles }, ctx) => ctx.downloads.removeSeries(folder, deleteFiles ?? false),
  }),
  startScan: t.field({
    type: ProgressRef,
    description: 'Start a library scan (progress id library_scan); returns its progress record.',
    resolve: (_root, _args, ctx) => ctx.anime.startScan(),
  }),
  setSeriesAutoDownload: t.field({
    type: SeriesRef,
    description: 'Turn automatic download of new episodes on or off for a series of the library.',
    args: { folder: t.arg.string({ required: true }), enabled: t.arg.boolean({ required: true }) },
    resolve: (_root, { folder, enabled }, ctx) => ctx.anime.setAutoDownload(folder, enabled),
  }),
  cancelScan: t.field({
    type: ProgressRef,
    nullable: true,
    resolve: (_root, _args, ctx) => ctx.anime.cancelScan(),
  }),
}));
