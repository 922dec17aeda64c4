/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type DownloadStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'DOWNLOADING'
  | 'FAILED'
  /** Held by the user: not started, or stopped with its part file kept; resumes from those bytes. */
  | 'PAUSED'
  | 'PENDING';

export type ProgressStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'FAILED'
  | 'IN_PROGRESS'
  | 'PENDING';

export type ProgressType =
  | 'DOWNLOAD'
  | 'ERROR'
  | 'QUEUE'
  | 'SCAN'
  | 'SYSTEM';

/** A change of settings: an omitted field stays as it is. */
export type SettingsInput = {
  /** Seconds, 0 for none; null goes back to AUTO_SCAN_INTERVAL. */
  autoScanInterval?: number | null | undefined;
  /** 1 to 32; null goes back to DOWNLOAD_CONCURRENCY. */
  downloadConcurrency?: number | null | undefined;
  /** null removes the cap. */
  speedLimit?: number | null | undefined;
};

export type LiveProgressFragment = { id: string, type: ProgressType, status: ProgressStatus, title: string, message: string | null, percent: number, current: number, total: number | null, speed: number | null, eta: number | null, error: string | null, metadata: unknown, updatedAt: string, completedAt: string | null };

export type LiveEventsSubscriptionVariables = Exact<{
  snapshot?: boolean | null | undefined;
  after?: string | null | undefined;
}>;


export type LiveEventsSubscription = { progressEvents: { cursor: string, type: string, progress: { id: string, type: ProgressType, status: ProgressStatus, title: string, message: string | null, percent: number, current: number, total: number | null, speed: number | null, eta: number | null, error: string | null, metadata: unknown, updatedAt: string, completedAt: string | null } } };

export type DashQueueItemFragment = { id: string, serieFolder: string, serieName: string, season: number, episode: number, status: DownloadStatus, error: string | null, retryCount: number, addedAt: string, completedAt: string | null, progress: { id: string, percent: number } | null };

export type DashQueueFragment = { isRunning: boolean, overallPercent: number, active: Array<{ id: string, serieFolder: string, serieName: string, season: number, episode: number, status: DownloadStatus, error: string | null, retryCount: number, addedAt: string, completedAt: string | null, progress: { id: string, percent: number } | null }>, pending: Array<{ id: string, serieFolder: string, serieName: string, season: number, episode: number, status: DownloadStatus, error: string | null, retryCount: number, addedAt: string, completedAt: string | null, progress: { id: string, percent: number } | null }>, paused: Array<{ id: string, serieFolder: string, serieName: string, season: number, episode: number, status: DownloadStatus, error: string | null, retryCount: number, addedAt: string, completedAt: string | null, progress: { id: string, percent: number } | null }>, failed: Array<{ id: string, serieFolder: string, serieName: string, season: number, episode: number, status: DownloadStatus, error: string | null, retryCount: number, addedAt: string, completedAt: string | null, progress: { id: string, percent: number } | null }>, completed: Array<{ id: string, serieFolder: string, serieName: string, season: number, episode: number, status: DownloadStatus, error: string | null, retryCount: number, addedAt: string, completedAt: string | null, progress: { id: string, percent: number } | null }> };

export type DashQueueQueryVariables = Exact<{ [key: string]: never; }>;


export type DashQueueQuery = { queue: { isRunning: boolean, overallPercent: number, active: Array<{ id: string, serieFolder: string, serieName: string, season: number, episode: number, status: DownloadStatus, error: string | null, retryCount: number, addedAt: string, completedAt: string | null, progress: { id: string, percent: number } | null }>, pending: Array<{ id: string, serieFolder: string, serieName: string, season: number, episode: number, status: DownloadStatus, error: string | null, retryCount: number, addedAt: string, completedAt: string | null, progress: { id: string, percent: number } | null }>, paused: Array<{ id: string, serieFolder: string, serieName: string, season: number, episode: number, status: DownloadStatus, error: string | null, retryCount: number, addedAt: string, completedAt: string | null, progress: { id: string, percent: number } | null }>, failed: Array<{ id: string, serieFolder: string, serieName: string, season: number, episode: number, status: DownloadStatus, error: string | null, retryCount: number, addedAt: string, completedAt: string | null, progress: { id: string, percent: number } | null }>, completed: Array<{ id: string, serieFolder: string, serieName: string, season: number, episode: number, status: DownloadStatus, error: string | null, retryCount: number, addedAt: string, completedAt: string | null, progress: { id: string, percent: number } | null }> } };

export type DashQueueUpdatedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type DashQueueUpdatedSubscription = { queueUpdated: { isRunning: boolean, overallPercent: number, active: Array<{ id: string, serieFolder: string, serieName: string, season: number, episode: number, status: DownloadStatus, error: string | null, retryCount: number, addedAt: string, completedAt: string | null, progress: { id: string, percent: number } | null }>, pending: Array<{ id: string, serieFolder: string, serieName: string, season: number, episode: number, status: DownloadStatus, error: string | null, retryCount: number, addedAt: string, completedAt: string | null, progress: { id: string, percent: number } | null }>, paused: Array<{ id: string, serieFolder: string, serieName: string, season: number, episode: number, status: DownloadStatus, error: string | null, retryCount: number, addedAt: string, completedAt: string | null, progress: { id: string, percent: number } | null }>, failed: Array<{ id: string, serieFolder: string, serieName: string, season: number, episode: number, status: DownloadStatus, error: string | null, retryCount: number, addedAt: string, completedAt: string | null, progress: { id: string, percent: number } | null }>, completed: Array<{ id: string, serieFolder: string, serieName: string, season: number, episode: number, status: DownloadStatus, error: string | null, retryCount: number, addedAt: string, completedAt: string | null, progress: { id: string, percent: number } | null }> } };

export type DashSeriesFragment = { key: string, name: string, folder: string, missingCount: number, scanError: string | null, autoDownload: boolean, missingEpisodes: Array<{ season: number, episode: number, title: string | null }> };

export type DashLibraryQueryVariables = Exact<{ [key: string]: never; }>;


export type DashLibraryQuery = { library: Array<{ key: string, name: string, folder: string, missingCount: number, scanError: string | null, autoDownload: boolean, missingEpisodes: Array<{ season: number, episode: number, title: string | null }> }> };

export type DashHistoryQueryVariables = Exact<{
  types?: Array<ProgressType> | ProgressType | null | undefined;
  statuses?: Array<ProgressStatus> | ProgressStatus | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type DashHistoryQuery = { progressHistory: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, type: ProgressType, status: ProgressStatus, title: string, message: string | null, error: string | null, completedAt: string | null } }> } };

export type DashAddSeriesMutationVariables = Exact<{
  key: string;
}>;


export type DashAddSeriesMutation = { addSeries: { key: string, name: string, folder: string, missingCount: number, scanError: string | null, autoDownload: boolean, missingEpisodes: Array<{ season: number, episode: number, title: string | null }> } };

export type DashStartScanMutationVariables = Exact<{ [key: string]: never; }>;


export type DashStartScanMutation = { startScan: { id: string, status: ProgressStatus } };

export type DashEnqueueMissingMutationVariables = Exact<{
  serieFolder?: string | null | undefined;
}>;


export type DashEnqueueMissingMutation = { enqueueMissing: Array<{ id: string }> };

export type DashCancelMutationVariables = Exact<{
  id: string | number;
}>;


export type DashCancelMutation = { cancelDownload: { id: string, status: DownloadStatus } | null };

export type DashRemoveMutationVariables = Exact<{
  ids: Array<string | number> | string | number;
}>;


export type DashRemoveMutation = { removeFromQueue: number };

export type DashRetryMutationVariables = Exact<{
  ids?: Array<string | number> | string | number | null | undefined;
}>;


export type DashRetryMutation = { retryFailed: Array<{ id: string }> };

export type DashClearCompletedMutationVariables = Exact<{ [key: string]: never; }>;


export type DashClearCompletedMutation = { clearCompleted: number };

export type DashStartQueueMutationVariables = Exact<{ [key: string]: never; }>;


export type DashStartQueueMutation = { startQueue: { isRunning: boolean } };

export type DashStopQueueMutationVariables = Exact<{ [key: string]: never; }>;


export type DashStopQueueMutation = { stopQueue: { isRunning: boolean } };

export type DashPauseMutationVariables = Exact<{
  id: string | number;
}>;


export type DashPauseMutation = { pauseDownload: { id: string, status: DownloadStatus } };

export type DashResumeMutationVariables = Exact<{
  id: string | number;
}>;


export type DashResumeMutation = { resumeDownload: { id: string, status: DownloadStatus } };

export type DashMoveMutationVariables = Exact<{
  id: string | number;
  position: number;
}>;


export type DashMoveMutation = { moveInQueue: { isRunning: boolean } };

export type DashSetAutoDownloadMutationVariables = Exact<{
  folder: string;
  enabled: boolean;
}>;


export type DashSetAutoDownloadMutation = { setSeriesAutoDownload: { key: string, name: string, folder: string, missingCount: number, scanError: string | null, autoDownload: boolean, missingEpisodes: Array<{ season: number, episode: number, title: string | null }> } };

export type DashSearchCatalogQueryVariables = Exact<{
  query: string;
}>;


export type DashSearchCatalogQuery = { searchCatalog: Array<{ key: string, name: string }> };

export type DashSettingsFragment = { speedLimit: number | null, autoScanInterval: number, downloadConcurrency: number };

export type DashSettingsQueryVariables = Exact<{ [key: string]: never; }>;


export type DashSettingsQuery = { settings: { speedLimit: number | null, autoScanInterval: number, downloadConcurrency: number } };

export type DashUpdateSettingsMutationVariables = Exact<{
  input: SettingsInput;
}>;


export type DashUpdateSettingsMutation = { updateSettings: { speedLimit: number | null, autoScanInterval: number, downloadConcurrency: number } };

export type DashWebhookDeliveryFragment = { httpStatus: number | null, ok: boolean, attempts: number, at: string, error: string | null };

export type DashWebhookFragment = { id: string, url: string, types: Array<ProgressType> | null, statuses: Array<ProgressStatus>, signed: boolean, pending: number, lastDelivery: { httpStatus: number | null, ok: boolean, attempts: number, at: string, error: string | null } | null };

export type DashWebhooksQueryVariables = Exact<{ [key: string]: never; }>;


export type DashWebhooksQuery = { webhooks: Array<{ id: string, url: string, types: Array<ProgressType> | null, statuses: Array<ProgressStatus>, signed: boolean, pending: number, lastDelivery: { httpStatus: number | null, ok: boolean, attempts: number, at: string, error: string | null } | null }> };

export type DashAddWebhookMutationVariables = Exact<{
  url: string;
  types?: Array<ProgressType> | ProgressType | null | undefined;
  statuses?: Array<ProgressStatus> | ProgressStatus | null | undefined;
  secret?: string | null | undefined;
}>;


export type DashAddWebhookMutation = { addWebhook: { id: string, url: string, types: Array<ProgressType> | null, statuses: Array<ProgressStatus>, signed: boolean, pending: number, lastDelivery: { httpStatus: number | null, ok: boolean, attempts: number, at: string, error: string | null } | null } };

export type DashRemoveWebhookMutationVariables = Exact<{
  id: string | number;
}>;


export type DashRemoveWebhookMutation = { removeWebhook: boolean };

export type DashTestWebhookMutationVariables = Exact<{
  id: string | number;
}>;


export type DashTestWebhookMutation = { testWebhook: { httpStatus: number | null, ok: boolean, attempts: number, at: string, error: string | null } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const LiveProgressFragmentDoc = new TypedDocumentString(`
    fragment LiveProgress on Progress {
  id
  type
  status
  title
  message
  percent
  current
  total
  speed
  eta
  error
  metadata
  updatedAt
  completedAt
}
    `, {"fragmentName":"LiveProgress"}) as unknown as TypedDocumentString<LiveProgressFragment, unknown>;
export const DashQueueItemFragmentDoc = new TypedDocumentString(`
    fragment DashQueueItem on QueueItem {
  id
  serieFolder
  serieName
  season
  episode
  status
  error
  retryCount
  addedAt
  completedAt
  progress {
    id
    percent
  }
}
    `, {"fragmentName":"DashQueueItem"}) as unknown as TypedDocumentString<DashQueueItemFragment, unknown>;
export const DashQueueFragmentDoc = new TypedDocumentString(`
    fragment DashQueue on QueueStatus {
  isRunning
  overallPercent
  active {
    ...DashQueueItem
  }
  pending {
    ...DashQueueItem
  }
  paused {
    ...DashQueueItem
  }
  failed {
    ...DashQueueItem
  }
  completed {
    ...DashQueueItem
  }
}
    fragment DashQueueItem on QueueItem {
  id
  serieFolder
  serieName
  season
  episode
  status
  error
  retryCount
  addedAt
  completedAt
  progress {
    id
    percent
  }
}`, {"fragmentName":"DashQueue"}) as unknown as TypedDocumentString<DashQueueFragment, unknown>;
export const DashSeriesFragmentDoc = new TypedDocumentString(`
    fragment DashSeries on Series {
  key
  name
  folder
  missingCount
  scanError
  autoDownload
  missingEpisodes {
    season
    episode
    title
  }
}
    `, {"fragmentName":"DashSeries"}) as unknown as TypedDocumentString<DashSeriesFragment, unknown>;
export const DashSettingsFragmentDoc = new TypedDocumentString(`
    fragment DashSettings on Settings {
  speedLimit
  autoScanInterval
  downloadConcurrency
}
    `, {"fragmentName":"DashSettings"}) as unknown as TypedDocumentString<DashSettingsFragment, unknown>;
export const DashWebhookDeliveryFragmentDoc = new TypedDocumentString(`
    fragment DashWebhookDelivery on WebhookDelivery {
  httpStatus
  ok
  attempts
  at
  error
}
    `, {"fragmentName":"DashWebhookDelivery"}) as unknown as TypedDocumentString<DashWebhookDeliveryFragment, unknown>;
export const DashWebhookFragmentDoc = new TypedDocumentString(`
    fragment DashWebhook on Webhook {
  id
  url
  types
  statuses
  signed
  pending
  lastDelivery {
    ...DashWebhookDelivery
  }
}
    fragment DashWebhookDelivery on WebhookDelivery {
  httpStatus
  ok
  attempts
  at
  error
}`, {"fragmentName":"DashWebhook"}) as unknown as TypedDocumentString<DashWebhookFragment, unknown>;
export const LiveEventsDocument = new TypedDocumentString(`
    subscription LiveEvents($snapshot: Boolean, $after: String) {
  progressEvents(snapshot: $snapshot, after: $after) {
    cursor
    type
    progress {
      ...LiveProgress
    }
  }
}
    fragment LiveProgress on Progress {
  id
  type
  status
  title
  message
  percent
  current
  total
  speed
  eta
  error
  metadata
  updatedAt
  completedAt
}`) as unknown as TypedDocumentString<LiveEventsSubscription, LiveEventsSubscriptionVariables>;
export const DashQueueDocument = new TypedDocumentString(`
    query DashQueue {
  queue {
    ...DashQueue
  }
}
    fragment DashQueueItem on QueueItem {
  id
  serieFolder
  serieName
  season
  episode
  status
  error
  retryCount
  addedAt
  completedAt
  progress {
    id
    percent
  }
}
fragment DashQueue on QueueStatus {
  isRunning
  overallPercent
  active {
    ...DashQueueItem
  }
  pending {
    ...DashQueueItem
  }
  paused {
    ...DashQueueItem
  }
  failed {
    ...DashQueueItem
  }
  completed {
    ...DashQueueItem
  }
}`) as unknown as TypedDocumentString<DashQueueQuery, DashQueueQueryVariables>;
export const DashQueueUpdatedDocument = new TypedDocumentString(`
    subscription DashQueueUpdated {
  queueUpdated {
    ...DashQueue
  }
}
    fragment DashQueueItem on QueueItem {
  id
  serieFolder
  serieName
  season
  episode
  status
  error
  retryCount
  addedAt
  completedAt
  progress {
    id
    percent
  }
}
fragment DashQueue on QueueStatus {
  isRunning
  overallPercent
  active {
    ...DashQueueItem
  }
  pending {
    ...DashQueueItem
  }
  paused {
    ...DashQueueItem
  }
  failed {
    ...DashQueueItem
  }
  completed {
    ...DashQueueItem
  }
}`) as unknown as TypedDocumentString<DashQueueUpdatedSubscription, DashQueueUpdatedSubscriptionVariables>;
export const DashLibraryDocument = new TypedDocumentString(`
    query DashLibrary {
  library {
    ...DashSeries
  }
}
    fragment DashSeries on Series {
  key
  name
  folder
  missingCount
  scanError
  autoDownload
  missingEpisodes {
    season
    episode
    title
  }
}`) as unknown as TypedDocumentString<DashLibraryQuery, DashLibraryQueryVariables>;
export const DashHistoryDocument = new TypedDocumentString(`
    query DashHistory($types: [ProgressType!], $statuses: [ProgressStatus!], $first: Int, $after: String) {
  progressHistory(
    types: $types
    statuses: $statuses
    first: $first
    after: $after
  ) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      cursor
      node {
        id
        type
        status
        title
        message
        error
        completedAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DashHistoryQuery, DashHistoryQueryVariables>;
export const DashAddSeriesDocument = new TypedDocumentString(`
    mutation DashAddSeries($key: String!) {
  addSeries(key: $key) {
    ...DashSeries
  }
}
    fragment DashSeries on Series {
  key
  name
  folder
  missingCount
  scanError
  autoDownload
  missingEpisodes {
    season
    episode
    title
  }
}`) as unknown as TypedDocumentString<DashAddSeriesMutation, DashAddSeriesMutationVariables>;
export const DashStartScanDocument = new TypedDocumentString(`
    mutation DashStartScan {
  startScan {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<DashStartScanMutation, DashStartScanMutationVariables>;
export const DashEnqueueMissingDocument = new TypedDocumentString(`
    mutation DashEnqueueMissing($serieFolder: String) {
  enqueueMissing(serieFolder: $serieFolder) {
    id
  }
}
    `) as unknown as TypedDocumentString<DashEnqueueMissingMutation, DashEnqueueMissingMutationVariables>;
export const DashCancelDocument = new TypedDocumentString(`
    mutation DashCancel($id: ID!) {
  cancelDownload(id: $id) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<DashCancelMutation, DashCancelMutationVariables>;
export const DashRemoveDocument = new TypedDocumentString(`
    mutation DashRemove($ids: [ID!]!) {
  removeFromQueue(ids: $ids)
}
    `) as unknown as TypedDocumentString<DashRemoveMutation, DashRemoveMutationVariables>;
export const DashRetryDocument = new TypedDocumentString(`
    mutation DashRetry($ids: [ID!]) {
  retryFailed(ids: $ids) {
    id
  }
}
    `) as unknown as TypedDocumentString<DashRetryMutation, DashRetryMutationVariables>;
export const DashClearCompletedDocument = new TypedDocumentString(`
    mutation DashClearCompleted {
  clearCompleted
}
    `) as unknown as TypedDocumentString<DashClearCompletedMutation, DashClearCompletedMutationVariables>;
export const DashStartQueueDocument = new TypedDocumentString(`
    mutation DashStartQueue {
  startQueue {
    isRunning
  }
}
    `) as unknown as TypedDocumentString<DashStartQueueMutation, DashStartQueueMutationVariables>;
export const DashStopQueueDocument = new TypedDocumentString(`
    mutation DashStopQueue {
  stopQueue {
    isRunning
  }
}
    `) as unknown as TypedDocumentString<DashStopQueueMutation, DashStopQueueMutationVariables>;
export const DashPauseDocument = new TypedDocumentString(`
    mutation DashPause($id: ID!) {
  pauseDownload(id: $id) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<DashPauseMutation, DashPauseMutationVariables>;
export const DashResumeDocument = new TypedDocumentString(`
    mutation DashResume($id: ID!) {
  resumeDownload(id: $id) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<DashResumeMutation, DashResumeMutationVariables>;
export const DashMoveDocument = new TypedDocumentString(`
    mutation DashMove($id: ID!, $position: Int!) {
  moveInQueue(id: $id, position: $position) {
    isRunning
  }
}
    `) as unknown as TypedDocumentString<DashMoveMutation, DashMoveMutationVariables>;
export const DashSetAutoDownloadDocument = new TypedDocumentString(`
    mutation DashSetAutoDownload($folder: String!, $enabled: Boolean!) {
  setSeriesAutoDownload(folder: $folder, enabled: $enabled) {
    ...DashSeries
  }
}
    fragment DashSeries on Series {
  key
  name
  folder
  missingCount
  scanError
  autoDownload
  missingEpisodes {
    season
    episode
    title
  }
}`) as unknown as TypedDocumentString<DashSetAutoDownloadMutation, DashSetAutoDownloadMutationVariables>;
export const DashSearchCatalogDocument = new TypedDocumentString(`
    query DashSearchCatalog($query: String!) {
  searchCatalog(query: $query) {
    key
    name
  }
}
    `) as unknown as TypedDocumentString<DashSearchCatalogQuery, DashSearchCatalogQueryVariables>;
export const DashSettingsDocument = new TypedDocumentString(`
    query DashSettings {
  settings {
    ...DashSettings
  }
}
    fragment DashSettings on Settings {
  speedLimit
  autoScanInterval
  downloadConcurrency
}`) as unknown as TypedDocumentString<DashSettingsQuery, DashSettingsQueryVariables>;
export const DashUpdateSettingsDocument = new TypedDocumentString(`
    mutation DashUpdateSettings($input: SettingsInput!) {
  updateSettings(input: $input) {
    ...DashSettings
  }
}
    fragment DashSettings on Settings {
  speedLimit
  autoScanInterval
  downloadConcurrency
}`) as unknown as TypedDocumentString<DashUpdateSettingsMutation, DashUpdateSettingsMutationVariables>;
export const DashWebhooksDocument = new TypedDocumentString(`
    query DashWebhooks {
  webhooks {
    ...DashWebhook
  }
}
    fragment DashWebhookDelivery on WebhookDelivery {
  httpStatus
  ok
  attempts
  at
  error
}
fragment DashWebhook on Webhook {
  id
  url
  types
  statuses
  signed
  pending
  lastDelivery {
    ...DashWebhookDelivery
  }
}`) as unknown as TypedDocumentString<DashWebhooksQuery, DashWebhooksQueryVariables>;
export const DashAddWebhookDocument = new TypedDocumentString(`
    mutation DashAddWebhook($url: String!, $types: [ProgressType!], $statuses: [ProgressStatus!], $secret: String) {
  addWebhook(url: $url, types: $types, statuses: $statuses, secret: $secret) {
    ...DashWebhook
  }
}
    fragment DashWebhookDelivery on WebhookDelivery {
  httpStatus
  ok
  attempts
  at
  error
}
fragment DashWebhook on Webhook {
  id
  url
  types
  statuses
  signed
  pending
  lastDelivery {
    ...DashWebhookDelivery
  }
}`) as unknown as TypedDocumentString<DashAddWebhookMutation, DashAddWebhookMutationVariables>;
export const DashRemoveWebhookDocument = new TypedDocumentString(`
    mutation DashRemoveWebhook($id: ID!) {
  removeWebhook(id: $id)
}
    `) as unknown as TypedDocumentString<DashRemoveWebhookMutation, DashRemoveWebhookMutationVariables>;
export const DashTestWebhookDocument = new TypedDocumentString(`
    mutation DashTestWebhook($id: ID!) {
  testWebhook(id: $id) {
    ...DashWebhookDelivery
  }
}
    fragment DashWebhookDelivery on WebhookDelivery {
  httpStatus
  ok
  attempts
  at
  error
}`) as unknown as TypedDocumentString<DashTestWebhookMutation, DashTestWebhookMutationVariables>;