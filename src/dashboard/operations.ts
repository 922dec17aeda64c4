import { graphql } from './generated/gql.ts';

// The page's operations. `npm run codegen` turns each into a typed document string in
// ./generated/ (one schema with the Node client; see codegen.ts).

export const LiveProgressFields = graphql(`
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
`);

export const LiveEventsDocument = graphql(`
  subscription LiveEvents($snapshot: Boolean, $after: String) {
    progressEvents(snapshot: $snapshot, after: $after) {
      cursor
      type
      progress {
        ...LiveProgress
      }
    }
  }
`);

export const DashQueueItemFields = graphql(`
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
`);

export const DashQueueFields = graphql(`
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
`);

export const DashQueueDocument = graphql(`
  query DashQueue {
    queue {
      ...DashQueue
    }
  }
`);

export const DashQueueUpdatedDocument = graphql(`
  subscription DashQueueUpdated {
    queueUpdated {
      ...DashQueue
    }
  }
`);

export const DashSeriesFields = graphql(`
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
`);

export const DashLibraryDocument = graphql(`
  query DashLibrary {
    library {
      ...DashSeries
    }
  }
`);

export const DashHistoryDocument = graphql(`
  query DashHistory($types: [ProgressType!], $statuses: [ProgressStatus!], $first: Int, $after: String) {
    progressHistory(types: $types, statuses: $statuses, first: $first, after: $after) {
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
`);

export const DashAddSeriesDocument = graphql(`
  mutation DashAddSeries($key: String!) {
    addSeries(key: $key) {
      ...DashSeries
    }
  }
`);

export const DashStartScanDocument = graphql(`
  mutation DashStartScan {
    startScan {
      id
      status
    }
  }
`);

export const DashEnqueueMissingDocument = graphql(`
  mutation DashEnqueueMissing($serieFolder: String) {
    enqueueMissing(serieFolder: $serieFolder) {
      id
    }
  }
`);

export const DashCancelDocument = graphql(`
  mutation DashCancel($id: ID!) {
    cancelDownload(id: $id) {
      id
      status
    }
  }
`);

export const DashRemoveDocument = graphql(`
  mutation DashRemove($ids: [ID!]!) {
    removeFromQueue(ids: $ids)
  }
`);

export const DashRetryDocument = graphql(`
  mutation DashRetry($ids: [ID!]) {
    retryFailed(ids: $ids) {
      id
    }
  }
`);

export const DashClearCompletedDocument = graphql(`
  mutation DashClearCompleted {
    clearCompleted
  }
`);

export const DashStartQueueDocument = graphql(`
  mutation DashStartQueue {
    startQueue {
      isRunning
    }
  }
`);

export const DashStopQueueDocument = graphql(`
  mutation DashStopQueue {
    stopQueue {
      isRunning
    }
  }
`);

export const DashPauseDocument = graphql(`
  mutation DashPause($id: ID!) {
    pauseDownload(id: $id) {
      id
      status
    }
  }
`);

export const DashResumeDocument = graphql(`
  mutation DashResume($id: ID!) {
    resumeDownload(id: $id) {
      id
      status
    }
  }
`);

export const DashMoveDocument = graphql(`
  mutation DashMove($id: ID!, $position: Int!) {
    moveInQueue(id: $id, position: $position) {
      isRunning
    }
  }
`);

export const DashSetAutoDownloadDocument = graphql(`
  mutation DashSetAutoDownload($folder: String!, $enabled: Boolean!) {
    setSeriesAutoDownload(folder: $folder, enabled: $enabled) {
      ...DashSeries
    }
  }
`);

export const DashSearchCatalogDocument = graphql(`
  query DashSearchCatalog($query: String!) {
    searchCatalog(query: $query) {
      key
      name
    }
  }
`);

export const DashSettingsFields = graphql(`
  fragment DashSettings on Settings {
    speedLimit
    autoScanInterval
    downloadConcurrency
  }
`);

export const DashSettingsDocument = graphql(`
  query DashSettings {
    settings {
      ...DashSettings
    }
  }
`);

export const DashUpdateSettingsDocument = graphql(`
  mutation DashUpdateSettings($input: SettingsInput!) {
    updateSettings(input: $input) {
      ...DashSettings
    }
  }
`);

export const DashWebhookDeliveryFields = graphql(`
  fragment DashWebhookDelivery on WebhookDelivery {
    httpStatus
    ok
    attempts
    at
    error
  }
`);

export const DashWebhookFields = graphql(`
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
`);

export const DashWebhooksDocument = graphql(`
  query DashWebhooks {
    webhooks {
      ...DashWebhook
    }
  }
`);

export const DashAddWebhookDocument = graphql(`
  mutation DashAddWebhook($url: String!, $types: [ProgressType!], $statuses: [ProgressStatus!], $secret: String) {
    addWebhook(url: $url, types: $types, statuses: $statuses, secret: $secret) {
      ...DashWebhook
    }
  }
`);

export const DashRemoveWebhookDocument = graphql(`
  mutation DashRemoveWebhook($id: ID!) {
    removeWebhook(id: $id)
  }
`);

export const DashTestWebhookDocument = graphql(`
  mutation DashTestWebhook($id: ID!) {
    testWebhook(id: $id) {
      ...DashWebhookDelivery
    }
  }
`);
