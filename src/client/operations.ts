import { graphql } from './generated/gql.js';

export const ProgressFieldsFragment = graphql(`
  fragment ProgressFields on Progress {
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
    startedAt
    updatedAt
    completedAt
  }
`);

export const ProgressEventsDocument = graphql(`
  subscription ProgressEvents($types: [ProgressType!], $ids: [ID!], $snapshot: Boolean, $after: String) {
    progressEvents(types: $types, ids: $ids, snapshot: $snapshot, after: $after) {
      type
      room
      cursor
      missed
      progress {
        ...ProgressFields
      }
    }
  }
`);

export const ProgressUpdatedDocument = graphql(`
  subscription ProgressUpdated($id: ID!) {
    progressUpdated(id: $id) {
      ...ProgressFields
    }
  }
`);

export const ProgressDocument = graphql(`
  query Progress($id: ID!) {
    progress(id: $id) {
      ...ProgressFields
    }
  }
`);

export const ActiveProgressDocument = graphql(`
  query ActiveProgress($types: [ProgressType!]) {
    activeProgress(types: $types) {
      ...ProgressFields
    }
  }
`);

export const ProgressHistoryDocument = graphql(`
  query ProgressHistory($types: [ProgressType!], $statuses: [ProgressStatus!], $first: Int, $after: String) {
    progressHistory(types: $types, statuses: $statuses, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...ProgressFields
        }
      }
    }
  }
`);

export const QueueItemFieldsFragment = graphql(`
  fragment QueueItemFields on QueueItem {
    id
    serieFolder
    serieName
    season
    episode
    status
    error
    retryCount
    addedAt
    startedAt
    completedAt
    filePath
    progress {
      ...ProgressFields
    }
  }
`);

export const QueueStatusFieldsFragment = graphql(`
  fragment QueueStatusFields on QueueStatus {
    isRunning
    overallPercent
    pending {
      ...QueueItemFields
    }
    active {
      ...QueueItemFields
    }
    paused {
      ...QueueItemFields
    }
    completed {
      ...QueueItemFields
    }
    failed {
      ...QueueItemFields
    }
  }
`);

export const SeriesFieldsFragment = graphql(`
  fragment SeriesFields on Series {
    key
    name
    folder
    autoDownload
    missingCount
    missingEpisodes {
      season
      episode
      title
    }
  }
`);

export const LibraryDocument = graphql(`
  query Library {
    library {
      ...SeriesFields
    }
  }
`);

export const SeriesDocument = graphql(`
  query Series($folder: String!) {
    series(folder: $folder) {
      ...SeriesFields
    }
  }
`);

export const QueueDocument = graphql(`
  query Queue {
    queue {
      ...QueueStatusFields
    }
  }
`);

export const AddSeriesDocument = graphql(`
  mutation AddSeries($key: String!, $folder: String) {
    addSeries(key: $key, folder: $folder) {
      ...SeriesFields
    }
  }
`);

export const RemoveSeriesDocument = graphql(`
  mutation RemoveSeries($folder: String!, $deleteFiles: Boolean) {
    removeSeries(folder: $folder, deleteFiles: $deleteFiles) {
      ...SeriesFields
    }
  }
`);

export const StartScanDocument = graphql(`
  mutation StartScan {
    startScan {
      ...ProgressFields
    }
  }
`);

export const CancelScanDocument = graphql(`
  mutation CancelScan {
    cancelScan {
      ...ProgressFields
    }
  }
`);

export const EnqueueDownloadsDocument = graphql(`
  mutation EnqueueDownloads($episodes: [EpisodeInput!]!, $replace: Boolean) {
    enqueueDownloads(episodes: $episodes, replace: $replace) {
      ...QueueItemFields
    }
  }
`);

export const EnqueueMissingDocument = graphql(`
  mutation EnqueueMissing($serieFolder: String) {
    enqueueMissing(serieFolder: $serieFolder) {
      ...QueueItemFields
    }
  }
`);

export const CancelDownloadDocument = graphql(`
  mutation CancelDownload($id: ID!) {
    cancelDownload(id: $id) {
      ...QueueItemFields
    }
  }
`);

export const RemoveFromQueueDocument = graphql(`
  mutation RemoveFromQueue($ids: [ID!]!) {
    removeFromQueue(ids: $ids)
  }
`);

export const RetryFailedDocument = graphql(`
  mutation RetryFailed($ids: [ID!]) {
    retryFailed(ids: $ids) {
      ...QueueItemFields
    }
  }
`);

export const ClearCompletedDocument = graphql(`
  mutation ClearCompleted {
    clearCompleted
  }
`);

export const StartQueueDocument = graphql(`
  mutation StartQueue {
    startQueue {
      ...QueueStatusFields
    }
  }
`);

export const StopQueueDocument = graphql(`
  mutation StopQueue {
    stopQueue {
      ...QueueStatusFields
    }
  }
`);

export const QueueUpdatedDocument = graphql(`
  subscription QueueUpdated {
    queueUpdated {
      ...QueueStatusFields
    }
  }
`);

export const ServiceInfoDocument = graphql(`
  query ServiceInfo {
    serviceInfo {
      version
      backend
      instanceId
      instances {
        id
        runsQueue
        startedAt
        lastSeenAt
      }
    }
  }
`);

export const PauseDownloadDocument = graphql(`
  mutation PauseDownload($id: ID!) {
    pauseDownload(id: $id) {
      ...QueueItemFields
    }
  }
`);

export const ResumeDownloadDocument = graphql(`
  mutation ResumeDownload($id: ID!) {
    resumeDownload(id: $id) {
      ...QueueItemFields
    }
  }
`);

export const MoveInQueueDocument = graphql(`
  mutation MoveInQueue($id: ID!, $position: Int!) {
    moveInQueue(id: $id, position: $position) {
      ...QueueStatusFields
    }
  }
`);

export const SetSeriesAutoDownloadDocument = graphql(`
  mutation SetSeriesAutoDownload($folder: String!, $enabled: Boolean!) {
    setSeriesAutoDownload(folder: $folder, enabled: $enabled) {
      ...SeriesFields
    }
  }
`);

export const SearchCatalogDocument = graphql(`
  query SearchCatalog($query: String!) {
    searchCatalog(query: $query) {
      key
      name
    }
  }
`);

export const SettingsFieldsFragment = graphql(`
  fragment SettingsFields on Settings {
    speedLimit
    autoScanInterval
    downloadConcurrency
  }
`);

export const SettingsDocument = graphql(`
  query Settings {
    settings {
      ...SettingsFields
    }
  }
`);

export const UpdateSettingsDocument = graphql(`
  mutation UpdateSettings($input: SettingsInput!) {
    updateSettings(input: $input) {
      ...SettingsFields
    }
  }
`);

export const WebhookFieldsFragment = graphql(`
  fragment WebhookFields on Webhook {
    id
    url
    types
    statuses
    signed
    pending
    lastDelivery {
      ...WebhookDeliveryFields
    }
  }
`);

export const WebhookDeliveryFieldsFragment = graphql(`
  fragment WebhookDeliveryFields on WebhookDelivery {
    cursor
    httpStatus
    ok
    attempts
    at
    error
  }
`);

export const WebhooksDocument = graphql(`
  query Webhooks {
    webhooks {
      ...WebhookFields
    }
  }
`);

export const AddWebhookDocument = graphql(`
  mutation AddWebhook($url: String!, $types: [ProgressType!], $statuses: [ProgressStatus!], $secret: String) {
    addWebhook(url: $url, types: $types, statuses: $statuses, secret: $secret) {
      ...WebhookFields
    }
  }
`);

export const RemoveWebhookDocument = graphql(`
  mutation RemoveWebhook($id: ID!) {
    removeWebhook(id: $id)
  }
`);

export const TestWebhookDocument = graphql(`
  mutation TestWebhook($id: ID!) {
    testWebhook(id: $id) {
      ...WebhookDeliveryFields
    }
  }
`);
