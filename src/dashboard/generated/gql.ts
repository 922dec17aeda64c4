/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment LiveProgress on Progress {\n    id\n    type\n    status\n    title\n    message\n    percent\n    current\n    total\n    speed\n    eta\n    error\n    metadata\n    updatedAt\n    completedAt\n  }\n": typeof types.LiveProgressFragmentDoc,
    "\n  subscription LiveEvents($snapshot: Boolean, $after: String) {\n    progressEvents(snapshot: $snapshot, after: $after) {\n      cursor\n      type\n      progress {\n        ...LiveProgress\n      }\n    }\n  }\n": typeof types.LiveEventsDocument,
    "\n  fragment DashQueueItem on QueueItem {\n    id\n    serieFolder\n    serieName\n    season\n    episode\n    status\n    error\n    retryCount\n    addedAt\n    completedAt\n    progress {\n      id\n      percent\n    }\n  }\n": typeof types.DashQueueItemFragmentDoc,
    "\n  fragment DashQueue on QueueStatus {\n    isRunning\n    overallPercent\n    active {\n      ...DashQueueItem\n    }\n    pending {\n      ...DashQueueItem\n    }\n    paused {\n      ...DashQueueItem\n    }\n    failed {\n      ...DashQueueItem\n    }\n    completed {\n      ...DashQueueItem\n    }\n  }\n": typeof types.DashQueueFragmentDoc,
    "\n  query DashQueue {\n    queue {\n      ...DashQueue\n    }\n  }\n": typeof types.DashQueueDocument,
    "\n  subscription DashQueueUpdated {\n    queueUpdated {\n      ...DashQueue\n    }\n  }\n": typeof types.DashQueueUpdatedDocument,
    "\n  fragment DashSeries on Series {\n    key\n    name\n    folder\n    missingCount\n    scanError\n    autoDownload\n    missingEpisodes {\n      season\n      episode\n      title\n    }\n  }\n": typeof types.DashSeriesFragmentDoc,
    "\n  query DashLibrary {\n    library {\n      ...DashSeries\n    }\n  }\n": typeof types.DashLibraryDocument,
    "\n  query DashHistory($types: [ProgressType!], $statuses: [ProgressStatus!], $first: Int, $after: String) {\n    progressHistory(types: $types, statuses: $statuses, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          type\n          status\n          title\n          message\n          error\n          completedAt\n        }\n      }\n    }\n  }\n": typeof types.DashHistoryDocument,
    "\n  mutation DashAddSeries($key: String!) {\n    addSeries(key: $key) {\n      ...DashSeries\n    }\n  }\n": typeof types.DashAddSeriesDocument,
    "\n  mutation DashStartScan {\n    startScan {\n      id\n      status\n    }\n  }\n": typeof types.DashStartScanDocument,
    "\n  mutation DashEnqueueMissing($serieFolder: String) {\n    enqueueMissing(serieFolder: $serieFolder) {\n      id\n    }\n  }\n": typeof types.DashEnqueueMissingDocument,
    "\n  mutation DashCancel($id: ID!) {\n    cancelDownload(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.DashCancelDocument,
    "\n  mutation DashRemove($ids: [ID!]!) {\n    removeFromQueue(ids: $ids)\n  }\n": typeof types.DashRemoveDocument,
    "\n  mutation DashRetry($ids: [ID!]) {\n    retryFailed(ids: $ids) {\n      id\n    }\n  }\n": typeof types.DashRetryDocument,
    "\n  mutation DashClearCompleted {\n    clearCompleted\n  }\n": typeof types.DashClearCompletedDocument,
    "\n  mutation DashStartQueue {\n    startQueue {\n      isRunning\n    }\n  }\n": typeof types.DashStartQueueDocument,
    "\n  mutation DashStopQueue {\n    stopQueue {\n      isRunning\n    }\n  }\n": typeof types.DashStopQueueDocument,
    "\n  mutation DashPause($id: ID!) {\n    pauseDownload(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.DashPauseDocument,
    "\n  mutation DashResume($id: ID!) {\n    resumeDownload(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.DashResumeDocument,
    "\n  mutation DashMove($id: ID!, $position: Int!) {\n    moveInQueue(id: $id, position: $position) {\n      isRunning\n    }\n  }\n": typeof types.DashMoveDocument,
    "\n  mutation DashSetAutoDownload($folder: String!, $enabled: Boolean!) {\n    setSeriesAutoDownload(folder: $folder, enabled: $enabled) {\n      ...DashSeries\n    }\n  }\n": typeof types.DashSetAutoDownloadDocument,
    "\n  query DashSearchCatalog($query: String!) {\n    searchCatalog(query: $query) {\n      key\n      name\n    }\n  }\n": typeof types.DashSearchCatalogDocument,
    "\n  fragment DashSettings on Settings {\n    speedLimit\n    autoScanInterval\n    downloadConcurrency\n  }\n": typeof types.DashSettingsFragmentDoc,
    "\n  query DashSettings {\n    settings {\n      ...DashSettings\n    }\n  }\n": typeof types.DashSettingsDocument,
    "\n  mutation DashUpdateSettings($input: SettingsInput!) {\n    updateSettings(input: $input) {\n      ...DashSettings\n    }\n  }\n": typeof types.DashUpdateSettingsDocument,
    "\n  fragment DashWebhookDelivery on WebhookDelivery {\n    httpStatus\n    ok\n    attempts\n    at\n    error\n  }\n": typeof types.DashWebhookDeliveryFragmentDoc,
    "\n  fragment DashWebhook on Webhook {\n    id\n    url\n    types\n    statuses\n    signed\n    pending\n    lastDelivery {\n      ...DashWebhookDelivery\n    }\n  }\n": typeof types.DashWebhookFragmentDoc,
    "\n  query DashWebhooks {\n    webhooks {\n      ...DashWebhook\n    }\n  }\n": typeof types.DashWebhooksDocument,
    "\n  mutation DashAddWebhook($url: String!, $types: [ProgressType!], $statuses: [ProgressStatus!], $secret: String) {\n    addWebhook(url: $url, types: $types, statuses: $statuses, secret: $secret) {\n      ...DashWebhook\n    }\n  }\n": typeof types.DashAddWebhookDocument,
    "\n  mutation DashRemoveWebhook($id: ID!) {\n    removeWebhook(id: $id)\n  }\n": typeof types.DashRemoveWebhookDocument,
    "\n  mutation DashTestWebhook($id: ID!) {\n    testWebhook(id: $id) {\n      ...DashWebhookDelivery\n    }\n  }\n": typeof types.DashTestWebhookDocument,
};
const documents: Documents = {
    "\n  fragment LiveProgress on Progress {\n    id\n    type\n    status\n    title\n    message\n    percent\n    current\n    total\n    speed\n    eta\n    error\n    metadata\n    updatedAt\n    completedAt\n  }\n": types.LiveProgressFragmentDoc,
    "\n  subscription LiveEvents($snapshot: Boolean, $after: String) {\n    progressEvents(snapshot: $snapshot, after: $after) {\n      cursor\n      type\n      progress {\n        ...LiveProgress\n      }\n    }\n  }\n": types.LiveEventsDocument,
    "\n  fragment DashQueueItem on QueueItem {\n    id\n    serieFolder\n    serieName\n    season\n    episode\n    status\n    error\n    retryCount\n    addedAt\n    completedAt\n    progress {\n      id\n      percent\n    }\n  }\n": types.DashQueueItemFragmentDoc,
    "\n  fragment DashQueue on QueueStatus {\n    isRunning\n    overallPercent\n    active {\n      ...DashQueueItem\n    }\n    pending {\n      ...DashQueueItem\n    }\n    paused {\n      ...DashQueueItem\n    }\n    failed {\n      ...DashQueueItem\n    }\n    completed {\n      ...DashQueueItem\n    }\n  }\n": types.DashQueueFragmentDoc,
    "\n  query DashQueue {\n    queue {\n      ...DashQueue\n    }\n  }\n": types.DashQueueDocument,
    "\n  subscription DashQueueUpdated {\n    queueUpdated {\n      ...DashQueue\n    }\n  }\n": types.DashQueueUpdatedDocument,
    "\n  fragment DashSeries on Series {\n    key\n    name\n    folder\n    missingCount\n    scanError\n    autoDownload\n    missingEpisodes {\n      season\n      episode\n      title\n    }\n  }\n": types.DashSeriesFragmentDoc,
    "\n  query DashLibrary {\n    library {\n      ...DashSeries\n    }\n  }\n": types.DashLibraryDocument,
    "\n  query DashHistory($types: [ProgressType!], $statuses: [ProgressStatus!], $first: Int, $after: String) {\n    progressHistory(types: $types, statuses: $statuses, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          type\n          status\n          title\n          message\n          error\n          completedAt\n        }\n      }\n    }\n  }\n": types.DashHistoryDocument,
    "\n  mutation DashAddSeries($key: String!) {\n    addSeries(key: $key) {\n      ...DashSeries\n    }\n  }\n": types.DashAddSeriesDocument,
    "\n  mutation DashStartScan {\n    startScan {\n      id\n      status\n    }\n  }\n": types.DashStartScanDocument,
    "\n  mutation DashEnqueueMissing($serieFolder: String) {\n    enqueueMissing(serieFolder: $serieFolder) {\n      id\n    }\n  }\n": types.DashEnqueueMissingDocument,
    "\n  mutation DashCancel($id: ID!) {\n    cancelDownload(id: $id) {\n      id\n      status\n    }\n  }\n": types.DashCancelDocument,
    "\n  mutation DashRemove($ids: [ID!]!) {\n    removeFromQueue(ids: $ids)\n  }\n": types.DashRemoveDocument,
    "\n  mutation DashRetry($ids: [ID!]) {\n    retryFailed(ids: $ids) {\n      id\n    }\n  }\n": types.DashRetryDocument,
    "\n  mutation DashClearCompleted {\n    clearCompleted\n  }\n": types.DashClearCompletedDocument,
    "\n  mutation DashStartQueue {\n    startQueue {\n      isRunning\n    }\n  }\n": types.DashStartQueueDocument,
    "\n  mutation DashStopQueue {\n    stopQueue {\n      isRunning\n    }\n  }\n": types.DashStopQueueDocument,
    "\n  mutation DashPause($id: ID!) {\n    pauseDownload(id: $id) {\n      id\n      status\n    }\n  }\n": types.DashPauseDocument,
    "\n  mutation DashResume($id: ID!) {\n    resumeDownload(id: $id) {\n      id\n      status\n    }\n  }\n": types.DashResumeDocument,
    "\n  mutation DashMove($id: ID!, $position: Int!) {\n    moveInQueue(id: $id, position: $position) {\n      isRunning\n    }\n  }\n": types.DashMoveDocument,
    "\n  mutation DashSetAutoDownload($folder: String!, $enabled: Boolean!) {\n    setSeriesAutoDownload(folder: $folder, enabled: $enabled) {\n      ...DashSeries\n    }\n  }\n": types.DashSetAutoDownloadDocument,
    "\n  query DashSearchCatalog($query: String!) {\n    searchCatalog(query: $query) {\n      key\n      name\n    }\n  }\n": types.DashSearchCatalogDocument,
    "\n  fragment DashSettings on Settings {\n    speedLimit\n    autoScanInterval\n    downloadConcurrency\n  }\n": types.DashSettingsFragmentDoc,
    "\n  query DashSettings {\n    settings {\n      ...DashSettings\n    }\n  }\n": types.DashSettingsDocument,
    "\n  mutation DashUpdateSettings($input: SettingsInput!) {\n    updateSettings(input: $input) {\n      ...DashSettings\n    }\n  }\n": types.DashUpdateSettingsDocument,
    "\n  fragment DashWebhookDelivery on WebhookDelivery {\n    httpStatus\n    ok\n    attempts\n    at\n    error\n  }\n": types.DashWebhookDeliveryFragmentDoc,
    "\n  fragment DashWebhook on Webhook {\n    id\n    url\n    types\n    statuses\n    signed\n    pending\n    lastDelivery {\n      ...DashWebhookDelivery\n    }\n  }\n": types.DashWebhookFragmentDoc,
    "\n  query DashWebhooks {\n    webhooks {\n      ...DashWebhook\n    }\n  }\n": types.DashWebhooksDocument,
    "\n  mutation DashAddWebhook($url: String!, $types: [ProgressType!], $statuses: [ProgressStatus!], $secret: String) {\n    addWebhook(url: $url, types: $types, statuses: $statuses, secret: $secret) {\n      ...DashWebhook\n    }\n  }\n": types.DashAddWebhookDocument,
    "\n  mutation DashRemoveWebhook($id: ID!) {\n    removeWebhook(id: $id)\n  }\n": types.DashRemoveWebhookDocument,
    "\n  mutation DashTestWebhook($id: ID!) {\n    testWebhook(id: $id) {\n      ...DashWebhookDelivery\n    }\n  }\n": types.DashTestWebhookDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LiveProgress on Progress {\n    id\n    type\n    status\n    title\n    message\n    percent\n    current\n    total\n    speed\n    eta\n    error\n    metadata\n    updatedAt\n    completedAt\n  }\n"): typeof import('./graphql.js').LiveProgressFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveEvents($snapshot: Boolean, $after: String) {\n    progressEvents(snapshot: $snapshot, after: $after) {\n      cursor\n      type\n      progress {\n        ...LiveProgress\n      }\n    }\n  }\n"): typeof import('./graphql.js').LiveEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DashQueueItem on QueueItem {\n    id\n    serieFolder\n    serieName\n    season\n    episode\n    status\n    error\n    retryCount\n    addedAt\n    completedAt\n    progress {\n      id\n      percent\n    }\n  }\n"): typeof import('./graphql.js').DashQueueItemFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DashQueue on QueueStatus {\n    isRunning\n    overallPercent\n    active {\n      ...DashQueueItem\n    }\n    pending {\n      ...DashQueueItem\n    }\n    paused {\n      ...DashQueueItem\n    }\n    failed {\n      ...DashQueueItem\n    }\n    completed {\n      ...DashQueueItem\n    }\n  }\n"): typeof import('./graphql.js').DashQueueFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashQueue {\n    queue {\n      ...DashQueue\n    }\n  }\n"): typeof import('./graphql.js').DashQueueDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashQueueUpdated {\n    queueUpdated {\n      ...DashQueue\n    }\n  }\n"): typeof import('./graphql.js').DashQueueUpdatedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DashSeries on Series {\n    key\n    name\n    folder\n    missingCount\n    scanError\n    autoDownload\n    missingEpisodes {\n      season\n      episode\n      title\n    }\n  }\n"): typeof import('./graphql.js').DashSeriesFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashLibrary {\n    library {\n      ...DashSeries\n    }\n  }\n"): typeof import('./graphql.js').DashLibraryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashHistory($types: [ProgressType!], $statuses: [ProgressStatus!], $first: Int, $after: String) {\n    progressHistory(types: $types, statuses: $statuses, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          type\n          status\n          title\n          message\n          error\n          completedAt\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.js').DashHistoryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashAddSeries($key: String!) {\n    addSeries(key: $key) {\n      ...DashSeries\n    }\n  }\n"): typeof import('./graphql.js').DashAddSeriesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashStartScan {\n    startScan {\n      id\n      status\n    }\n  }\n"): typeof import('./graphql.js').DashStartScanDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashEnqueueMissing($serieFolder: String) {\n    enqueueMissing(serieFolder: $serieFolder) {\n      id\n    }\n  }\n"): typeof import('./graphql.js').DashEnqueueMissingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashCancel($id: ID!) {\n    cancelDownload(id: $id) {\n      id\n      status\n    }\n  }\n"): typeof import('./graphql.js').DashCancelDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashRemove($ids: [ID!]!) {\n    removeFromQueue(ids: $ids)\n  }\n"): typeof import('./graphql.js').DashRemoveDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashRetry($ids: [ID!]) {\n    retryFailed(ids: $ids) {\n      id\n    }\n  }\n"): typeof import('./graphql.js').DashRetryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashClearCompleted {\n    clearCompleted\n  }\n"): typeof import('./graphql.js').DashClearCompletedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashStartQueue {\n    startQueue {\n      isRunning\n    }\n  }\n"): typeof import('./graphql.js').DashStartQueueDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashStopQueue {\n    stopQueue {\n      isRunning\n    }\n  }\n"): typeof import('./graphql.js').DashStopQueueDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashPause($id: ID!) {\n    pauseDownload(id: $id) {\n      id\n      status\n    }\n  }\n"): typeof import('./graphql.js').DashPauseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashResume($id: ID!) {\n    resumeDownload(id: $id) {\n      id\n      status\n    }\n  }\n"): typeof import('./graphql.js').DashResumeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashMove($id: ID!, $position: Int!) {\n    moveInQueue(id: $id, position: $position) {\n      isRunning\n    }\n  }\n"): typeof import('./graphql.js').DashMoveDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashSetAutoDownload($folder: String!, $enabled: Boolean!) {\n    setSeriesAutoDownload(folder: $folder, enabled: $enabled) {\n      ...DashSeries\n    }\n  }\n"): typeof import('./graphql.js').DashSetAutoDownloadDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashSearchCatalog($query: String!) {\n    searchCatalog(query: $query) {\n      key\n      name\n    }\n  }\n"): typeof import('./graphql.js').DashSearchCatalogDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DashSettings on Settings {\n    speedLimit\n    autoScanInterval\n    downloadConcurrency\n  }\n"): typeof import('./graphql.js').DashSettingsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashSettings {\n    settings {\n      ...DashSettings\n    }\n  }\n"): typeof import('./graphql.js').DashSettingsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashUpdateSettings($input: SettingsInput!) {\n    updateSettings(input: $input) {\n      ...DashSettings\n    }\n  }\n"): typeof import('./graphql.js').DashUpdateSettingsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DashWebhookDelivery on WebhookDelivery {\n    httpStatus\n    ok\n    attempts\n    at\n    error\n  }\n"): typeof import('./graphql.js').DashWebhookDeliveryFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DashWebhook on Webhook {\n    id\n    url\n    types\n    statuses\n    signed\n    pending\n    lastDelivery {\n      ...DashWebhookDelivery\n    }\n  }\n"): typeof import('./graphql.js').DashWebhookFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashWebhooks {\n    webhooks {\n      ...DashWebhook\n    }\n  }\n"): typeof import('./graphql.js').DashWebhooksDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashAddWebhook($url: String!, $types: [ProgressType!], $statuses: [ProgressStatus!], $secret: String) {\n    addWebhook(url: $url, types: $types, statuses: $statuses, secret: $secret) {\n      ...DashWebhook\n    }\n  }\n"): typeof import('./graphql.js').DashAddWebhookDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashRemoveWebhook($id: ID!) {\n    removeWebhook(id: $id)\n  }\n"): typeof import('./graphql.js').DashRemoveWebhookDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashTestWebhook($id: ID!) {\n    testWebhook(id: $id) {\n      ...DashWebhookDelivery\n    }\n  }\n"): typeof import('./graphql.js').DashTestWebhookDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
