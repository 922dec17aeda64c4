import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { z } from 'zod';
import { builder } from './builder.js';
import { BadInputError } from '../services/errors.js';
import type { StreamOptions } from '../services/progress-streams.js';
import { journalStream } from './journal-stream.js';
import {
  PROGRESS_STATUSES,
  PROGRESS_TYPES,
  type ProgressEvent,
  type ProgressRecord,
} from '../domain/progress-types.js';

/** Most history entries one page may ask for. */
export const MAX_HISTORY_PAGE = 100;
/** History entries a page holds when `first` is not given. */
export const DEFAULT_HISTORY_PAGE = 20;

export const ProgressTypeEnum = builder.enumType('ProgressType', { values: PROGRESS_TYPES });
export const ProgressStatusEnum = builder.enumType('ProgressStatus', { values: PROGRESS_STATUSES });

export const ProgressRef = builder.objectRef<ProgressRecord>('Progress').implement({
  description: 'One tracked operation. ProgressService is the single source of truth for these.',
  fields: (t) => ({
    id: t.exposeID('id', {
      description: 'download_{serieFolder}_{season}_{episode}, library_scan or download_queue.',
    }),
    type: t.expose('type', { type: ProgressTypeEnum }),
    status: t.expose('status', { type: ProgressStatusEnum }),
    title: t.exposeString('title'),
    message: t.exposeString('message', { nullable: true }),
    percent: t.exposeFloat('percent', { description: '0 to 100.' }),
    current: t.exposeFloat('current'),
    total: t.exposeFloat('total', { nullable: true }),
    speed: t.exposeFloat('speed', {
      nullable: true,
      description: 'Units per second (bytes per second for downloads); null until known.',
    }),
    eta: t.exposeFloat('eta', { nullable: true, description: 'Seconds left; null until known.' }),
    error: t.exposeString('error', { nullable: true }),
    metadata: t.expose('metadata', { type: 'JSON' }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
  }),
});

export const ProgressEventRef = builder.objectRef<ProgressEvent>('ProgressEvent').implement({
  description: "What a subscriber receives: the seed's WebSocket message {type, data}.",
  fields: (t) => ({
    type: t.exposeString('type', {
      description: 'download_progress, scan_progress, queue_progress, system_progress or error_progress.',
    }),
    room: t.exposeString('room'),
    progress: t.expose('progress', { type: ProgressRef }),
    cursor: t.exposeString('cursor', {
      description: [
        "Opaque position of this event in the service's event log; pass it as `after` to resume.",
        'It names the log it came from: once that log was replaced or could not be written, it is refused with CURSOR_EXPIRED.',
      ].join('\n'),
    }),
    missed: t.exposeInt('missed', {
      description: [
        'How many events of this subscription were not delivered just before this one (dropped',
        'while the subscriber was not reading fast enough); 0 normally. When it is not 0, the',
        'client may fill the gap by resubscribing with `after` set to the cursor it saw before.',
      ].join('\n'),
    }),
  }),
});

/** A list argument without repeats (first-seen order): filters and SQL get each value once. */
function distinct<T>(values: readonly T[] | null | undefined): T[] | null | undefined {
  return values == null ? values : [...new Set(values)];
}

const pageSize = z
  .number()
  .int()
  .min(0, `must be from 0 to ${MAX_HISTORY_PAGE}`)
  .max(MAX_HISTORY_PAGE, `must be from 0 to ${MAX_HISTORY_PAGE} (the most one page holds)`);
const historyCursor = z.string().regex(/^\d{1,15}$/, 'is not a cursor of this connection');

builder.queryFields((t) => ({
  progress: t.field({
    type: ProgressRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.progress.fetchProgress(String(id)),
  }),
  activeProgress: t.field({
    type: [ProgressRef],
    description: 'Operations not yet finished, oldest first.',
    args: { types: t.arg({ type: [ProgressTypeEnum], required: false }) },
    resolve: (_root, { types }, ctx) => ctx.progress.getActive(distinct(types)),
  }),
  progressHistory: t.connection(
    {
      type: ProgressRef,
      description: 'Finished operations (completed, failed, cancelled), newest first, persisted across restarts.',
      args: {
        types: t.arg({ type: [ProgressTypeEnum], required: false }),
        statuses: t.arg({ type: [ProgressStatusEnum], required: false }),
      },
      // looseObject: the validated args replace the field's args, and a plain object would
      // strip `types` and `statuses` (the filters would be ignored).
      validate: z.looseObject({
        first: pageSize.nullish(),
        last: pageSize.nullish(),
        after: historyCursor.nullish(),
        before: historyCursor.nullish(),
      }),
      resolve: async (_root, args, ctx) => {
        let totalCount = 0;
        const connection = await resolveCursorConnection(
          { args, toCursor: (e: { key: number }) => String(e.key), defaultSize: DEFAULT_HISTORY_PAGE, maxSize: MAX_HISTORY_PAGE },
          async ({ after, before, limit, inverted }: ResolveCursorConnectionArgs) => {
            if (inverted || before) throw new BadInputError('progressHistory pages forward only: use first and after');
            const page = await ctx.progress.fetchHistory({
              types: distinct(args.types),
              statuses: distinct(args.statuses),
              before: after ? Number(after) : null,
              limit,
            });
            totalCount = page.totalCount;
            return page.entries;
          },
        );
        return {
          ...connection,
          totalCount,
          edges: connection.edges.map((edge) => edge && { ...edge, node: edge.node.record }),
        };
      },
    },
    {
      name: 'ProgressConnection',
      fields: (c) => ({ totalCount: c.int({ resolve: (conn) => (conn as { totalCount: number }).totalCount }) }),
    },
    { name: 'ProgressEdge' },
  ),
}));

/** The arguments of progressEvents, as graphql-js coerced them. */
export interface ProgressEventsArgs {
  types?: readonly (typeof PROGRESS_TYPES)[number][] | null;
  ids?: readonly (string | number)[] | null;
  snapshot?: boolean | null;
  after?: string | null;
}

/** What progressEvents streams: its own subscribe resolver and the WebSocket fan-out call this. */
export function progressEventsStream(args: ProgressEventsArgs): StreamOptions {
  return {
    types: distinct(args.types),
    ids: distinct(args.ids?.map(String)),
    snapshot: args.snapshot ?? null,
    after: args.after ?? null,
  };
}

/** What progressUpdated streams: its own subscribe resolver and the WebSocket fan-out call this. */
export function progressUpdatedStream(args: { id: string | number }): StreamOptions {
  return { ids: [String(args.id)] };
}

builder.subscriptionFields((t) => ({
  progressEvents: t.field({
    type: ProgressEventRef,
    description: [
      'Every progress event, optionally only of the given types and/or ids.',
      'snapshot: first one event per matching unfinished operation (its current state), then live.',
      'after: first every logged event after that cursor, then live, with no gap and no duplicate.',
    ].join('\n'),
    args: {
      types: t.arg({ type: [ProgressTypeEnum], required: false }),
      ids: t.arg.idList({ required: false }),
      snapshot: t.arg.boolean({ required: false }),
      after: t.arg.string({ required: false }),
    },
    extensions: journalStream(progressEventsStream),
    subscribe: (_root, args, ctx) => ctx.progress.stream(progressEventsStream(args)),
    resolve: (event) => event,
  }),
  progressUpdated: t.field({
    type: ProgressRef,
    description: 'The state of one operation each time it changes.',
    args: { id: t.arg.id({ required: true }) },
    extensions: journalStream(progressUpdatedStream),
    subscribe: (_root, args, ctx) => ctx.progress.stream(progressUpdatedStream(args)),
    resolve: (event: ProgressEvent) => event.progress,
  }),
}));
