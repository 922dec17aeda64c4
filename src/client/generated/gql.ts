/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

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
    "\n  fragment ProgressFields on Progress {\n    id\n    type\n    status\n    title\n    message\n    percent\n    current\n    total\n    speed\n    eta\n    error\n    metadata\n    startedAt\n    updatedAt\n    completedAt\n  }\n": typeof types.ProgressFieldsFragmentDoc,
    "\n  subscription ProgressEvents($types: [ProgressType!], $ids: [ID!], $snapshot: Boolean, $after: String) {\n    progressEvents(types: $types, ids: $ids, snapshot: $snapshot, after: $after) {\n      type\n      room\n      cursor\n      missed\n      progress {\n        ...ProgressFields\n      }\n    }\n  }\n": typeof types.ProgressEventsDocument,
    "\n  subscription ProgressUpdated($id: ID!) {\n    progressUpdated(id: $id) {\n      ...ProgressFields\n    }\n  }\n": typeof types.ProgressUpdatedDocument,
    "\n  query Progress($id: ID!) {\n    progress(id: $id) {\n      ...ProgressFields\n    }\n  }\n": typeof types.ProgressDocument,
    "\n  query ActiveProgress($types: [ProgressType!]) {\n    activeProgress(types: $types) {\n      ...ProgressFields\n    }\n  }\n": typeof types.ActiveProgressDocument,
    "\n  query ProgressHistory($types: [ProgressType!], $statuses: [ProgressStatus!], $first: Int, $after: String) {\n    progressHistory(types: $types, statuses: $statuses, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ProgressFields\n        }\n      }\n    }\n  }\n": typeof types.ProgressHistoryDocument,
    "\n  fragment QueueItemFields on QueueItem {\n    id\n    serieFolder\n    serieName\n    season\n    episode\n    status\n    error\n    retryCount\n    addedAt\n    startedAt\n    completedAt\n    filePath\n    progress {\n      ...ProgressFields\n    }\n  }\n": typeof types.QueueItemFieldsFragmentDoc,
    "\n  fragment QueueStatusFields on QueueStatus {\n    isRunning\n    overallPercent\n    pending {\n      ...QueueItemFields\n    }\n    active {\n      ...QueueItemFields\n    }\n    paused {\n      ...QueueItemFields\n    }\n    completed {\n      ...QueueItemFields\n    }\n    failed {\n      ...QueueItemFields\n    }\n  }\n": typeof types.QueueStatusFieldsFragmentDoc,
    "\n  fragment SeriesFields on Series {\n    key\n    name\n    folder\n    autoDownload\n    missingCount\n    missingEpisodes {\n      season\n      episode\n      title\n    }\n  }\n": typeof types.SeriesFieldsFragmentDoc,
    "\n  query Library {\n    library {\n      ...SeriesFields\n    }\n  }\n": typeof types.LibraryDocument,
    "\n  query Series($folder: String!) {\n    series(folder: $folder) {\n      ...SeriesFields\n    }\n  }\n": typeof types.SeriesDocument,
    "\n  query Queue {\n    queue {\n      ...QueueStatusFields\n    }\n  }\n": typeof types.QueueDocument,
    "\n  mutation AddSeries($key: String!, $folder: String) {\n    addSeries(key: $key, folder: $folder) {\n      ...SeriesFields\n    }\n  }\n": typeof types.AddSeriesDocument,
    "\n  mutation RemoveSeries($folder: String!, $deleteFiles: Boolean) {\n    removeSeries(folder: $folder, deleteFiles: $deleteFiles) {\n      ...SeriesFields\n    }\n  }\n": typeof types.RemoveSeriesDocument,
    "\n  mutation StartScan {\n    startScan {\n      ...ProgressFields\n    }\n  }\n": typeof types.StartScanDocument,
    "\n  mutation CancelScan {\n    cancelScan {\n      ...ProgressFields\n    }\n  }\n": typeof types.CancelScanDocument,
    "\n  mutation EnqueueDownloads($episodes: [EpisodeInput!]!, $replace: Boolean) {\n    enqueueDownloads(episodes: $episodes, replace: $replace) {\n      ...QueueItemFields\n    }\n  }\n": typeof types.EnqueueDownloadsDocument,
    "\n  mutation EnqueueMissing($serieFolder: String) {\n    enqueueMissing(serieFolder: $serieFolder) {\n      ...QueueItemFields\n    }\n  }\n": typeof types.EnqueueMissingDocument,
    "\n  mutation CancelDownload($id: ID!) {\n    cancelDownload(id: $id) {\n      ...QueueItemFields\n    }\n  }\n": typeof types.CancelDownloadDocument,
    "\n  mutation RemoveFromQueue($ids: [ID!]!) {\n    removeFromQueue(ids: $ids)\n  }\n": typeof types.RemoveFromQueueDocument,
    "\n  mutation RetryFailed($ids: [ID!]) {\n    retryFailed(ids: $ids) {\n      ...QueueItemFields\n    }\n  }\n": typeof types.RetryFailedDocument,
    "\n  mutation ClearCompleted {\n    clearCompleted\n  }\n": typeof types.ClearCompletedDocument,
    "\n  mutation StartQueue {\n    startQueue {\n      ...QueueStatusFields\n    }\n  }\n": typeof types.StartQueueDocument,
    "\n  mutation StopQueue {\n    stopQueue {\n      ...QueueStatusFields\n    }\n  }\n": typeof types.StopQueueDocument,
    "\n  subscription QueueUpdated {\n    queueUpdated {\n      ...QueueStatusFields\n    }\n  }\n": typeof types.QueueUpdatedDocument,
    "\n  query ServiceInfo {\n    serviceInfo {\n      version\n      backend\n      instanceId\n      instances {\n        id\n        runsQueue\n        startedAt\n        lastSeenAt\n      }\n    }\n  }\n": typeof types.ServiceInfoDocument,
    "\n  mutation PauseDownload($id: ID!) {\n    pauseDownload(id: $id) {\n      ...QueueItemFields\n    }\n  }\n": typeof types.PauseDownloadDocument,
    "\n  mutation ResumeDownload($id: ID!) {\n    resumeDownload(id: $id) {\n      ...QueueItemFields\n    }\n  }\n": typeof types.ResumeDownloadDocument,
    "\n  mutation MoveInQueue($id: ID!, $position: Int!) {\n    moveInQueue(id: $id, position: $position) {\n      ...QueueStatusFields\n    }\n  }\n": typeof types.MoveInQueueDocument,
    "\n  mutation SetSeriesAutoDownload($folder: String!, $enabled: Boolean!) {\n    setSeriesAutoDownload(folder: $folder, enabled: $enabled) {\n      ...SeriesFields\n    }\n  }\n": typeof types.SetSeriesAutoDownloadDocument,
    "\n  query SearchCatalog($query: String!) {\n    searchCatalog(query: $query) {\n      key\n      name\n    }\n  }\n": typeof types.SearchCatalogDocument,
    "\n  fragment SettingsFields on Settings {\n    speedLimit\n    autoScanInterval\n    downloadConcurrency\n  }\n": typeof types.SettingsFieldsFragmentDoc,
    "\n  query Settings {\n    settings {\n      ...SettingsFields\n    }\n  }\n": typeof types.SettingsDocument,
    "\n  mutation UpdateSettings($input: SettingsInput!) {\n    updateSettings(input: $input) {\n      ...SettingsFields\n    }\n  }\n": typeof types.UpdateSettingsDocument,
    "\n  fragment WebhookFields on Webhook {\n    id\n    url\n    types\n    statuses\n    signed\n    pending\n    lastDelivery {\n      ...WebhookDeliveryFields\n    }\n  }\n": typeof types.WebhookFieldsFragmentDoc,
    "\n  fragment WebhookDeliveryFields on WebhookDelivery {\n    cursor\n    httpStatus\n    ok\n    attempts\n    at\n    error\n  }\n": typeof types.WebhookDeliveryFieldsFragmentDoc,
    "\n  query Webhooks {\n    webhooks {\n      ...WebhookFields\n    }\n  }\n": typeof types.WebhooksDocument,
    "\n  mutation AddWebhook($url: String!, $types: [ProgressType!], $statuses: [ProgressStatus!], $secret: String) {\n    addWebhook(url: $url, types: $types, statuses: $statuses, secret: $secret) {\n      ...WebhookFields\n    }\n  }\n": typeof types.AddWebhookDocument,
    "\n  mutation RemoveWebhook($id: ID!) {\n    removeWebhook(id: $id)\n  }\n": typeof types.RemoveWebhookDocument,
    "\n  mutation TestWebhook($id: ID!) {\n    testWebhook(id: $id) {\n      ...WebhookDeliveryFields\n    }\n  }\n": typeof types.TestWebhookDocument,
};
const documents: Documents = {
    "\n  fragment ProgressFields on Progress {\n    id\n    type\n    status\n    title\n    message\n    percent\n    current\n    total\n    speed\n    eta\n    error\n    metadata\n    startedAt\n    updatedAt\n    completedAt\n  }\n": types.ProgressFieldsFragmentDoc,
    "\n  subscription ProgressEvents($types: [ProgressType!], $ids: [ID!], $snapshot: Boolean, $after: String) {\n    progressEvents(types: $types, ids: $ids, snapshot: $snapshot, after: $after) {\n      type\n      room\n      cursor\n      missed\n      progress {\n        ...ProgressFields\n      }\n    }\n  }\n": types.ProgressEventsDocument,
    "\n  subscription ProgressUpdated($id: ID!) {\n    progressUpdated(id: $id) {\n      ...ProgressFields\n    }\n  }\n": types.ProgressUpdatedDocument,
    "\n  query Progress($id: ID!) {\n    progress(id: $id) {\n      ...ProgressFields\n    }\n  }\n": types.ProgressDocument,
    "\n  query ActiveProgress($types: [ProgressType!]) {\n    activeProgress(types: $types) {\n      ...ProgressFields\n    }\n  }\n": types.ActiveProgressDocument,
    "\n  query ProgressHistory($types: [ProgressType!], $statuses: [ProgressStatus!], $first: Int, $after: String) {\n    progressHistory(types: $types, statuses: $statuses, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ProgressFields\n        }\n      }\n    }\n  }\n": types.ProgressHistoryDocument,
    "\n  fragment QueueItemFields on QueueItem {\n    id\n    serieFolder\n    serieName\n    season\n    episode\n    status\n    error\n    retryCount\n    addedAt\n    startedAt\n    completedAt\n    filePath\n    progress {\n      ...ProgressFields\n    }\n  }\n": types.QueueItemFieldsFragmentDoc,
    "\n  fragment QueueStatusFields on QueueStatus {\n    isRunning\n    overallPercent\n    pending {\n      ...QueueItemFields\n    }\n    active {\n      ...QueueItemFields\n    }\n    paused {\n      ...QueueItemFields\n    }\n    completed {\n      ...QueueItemFields\n    }\n    failed {\n      ...QueueItemFields\n    }\n  }\n": types.QueueStatusFieldsFragmentDoc,
    "\n  fragment SeriesFields on Series {\n    key\n    name\n    folder\n    autoDownload\n    missingCount\n    missingEpisodes {\n      season\n      episode\n      title\n    }\n  }\n": types.SeriesFieldsFragmentDoc,
    "\n  query Library {\n    library {\n      ...SeriesFields\n    }\n  }\n": types.LibraryDocument,
    "\n  query Series($folder: String!) {\n    series(folder: $folder) {\n      ...SeriesFields\n    }\n  }\n": types.SeriesDocument,
    "\n  query Queue {\n    queue {\n      ...QueueStatusFields\n    }\n  }\n": types.QueueDocument,
    "\n  mutation AddSeries($key: String!, $folder: String) {\n    addSeries(key: $key, folder: $folder) {\n      ...SeriesFields\n    }\n  }\n": types.AddSeriesDocument,
    "\n  mutation RemoveSeries($folder: String!, $deleteFiles: Boolean) {\n    removeSeries(folder: $folder, deleteFiles: $deleteFiles) {\n      ...SeriesFields\n    }\n  }\n": types.RemoveSeriesDocument,
    "\n  mutation StartScan {\n    startScan {\n      ...ProgressFields\n    }\n  }\n": types.StartScanDocument,
    "\n  mutation CancelScan {\n    cancelScan {\n      ...ProgressFields\n    }\n  }\n": types.CancelScanDocument,
    "\n  mutation EnqueueDownloads($episodes: [EpisodeInput!]!, $replace: Boolean) {\n    enqueueDownloads(episodes: $episodes, replace: $replace) {\n      ...QueueItemFields\n    }\n  }\n": types.EnqueueDownloadsDocument,
    "\n  mutation EnqueueMissing($serieFolder: String) {\n    enqueueMissing(serieFolder: $serieFolder) {\n      ...QueueItemFields\n    }\n  }\n": types.EnqueueMissingDocument,
    "\n  mutation CancelDownload($id: ID!) {\n    cancelDownload(id: $id) {\n      ...QueueItemFields\n    }\n  }\n": types.CancelDownloadDocument,
    "\n  mutation RemoveFromQueue($ids: [ID!]!) {\n    removeFromQueue(ids: $ids)\n  }\n": types.RemoveFromQueueDocument,
    "\n  mutation RetryFailed($ids: [ID!]) {\n    retryFailed(ids: $ids) {\n      ...QueueItemFields\n    }\n  }\n": types.RetryFailedDocument,
    "\n  mutation ClearCompleted {\n    clearCompleted\n  }\n": types.ClearCompletedDocument,
    "\n  mutation StartQueue {\n    startQueue {\n      ...QueueStatusFields\n    }\n  }\n": types.StartQueueDocument,
    "\n  mutation StopQueue {\n    stopQueue {\n      ...QueueStatusFields\n    }\n  }\n": types.StopQueueDocument,
    "\n  subscription QueueUpdated {\n    queueUpdated {\n      ...QueueStatusFields\n    }\n  }\n": types.QueueUpdatedDocument,
    "\n  query ServiceInfo {\n    serviceInfo {\n      version\n      backend\n      instanceId\n      instances {\n        id\n        runsQueue\n        startedAt\n        lastSeenAt\n      }\n    }\n  }\n": types.ServiceInfoDocument,
    "\n  mutation PauseDownload($id: ID!) {\n    pauseDownload(id: $id) {\n      ...QueueItemFields\n    }\n  }\n": types.PauseDownloadDocument,
    "\n  mutation ResumeDownload($id: ID!) {\n    resumeDownload(id: $id) {\n      ...QueueItemFields\n    }\n  }\n": types.ResumeDownloadDocument,
    "\n  mutation MoveInQueue($id: ID!, $position: Int!) {\n    moveInQueue(id: $id, position: $position) {\n      ...QueueStatusFields\n    }\n  }\n": types.MoveInQueueDocument,
    "\n  mutation SetSeriesAutoDownload($folder: String!, $enabled: Boolean!) {\n    setSeriesAutoDownload(folder: $folder, enabled: $enabled) {\n      ...SeriesFields\n    }\n  }\n": types.SetSeriesAutoDownloadDocument,
    "\n  query SearchCatalog($query: String!) {\n    searchCatalog(query: $query) {\n      key\n      name\n    }\n  }\n": types.SearchCatalogDocument,
    "\n  fragment SettingsFields on Settings {\n    speedLimit\n    autoScanInterval\n    downloadConcurrency\n  }\n": types.SettingsFieldsFragmentDoc,
    "\n  query Settings {\n    settings {\n      ...SettingsFields\n    }\n  }\n": types.SettingsDocument,
    "\n  mutation UpdateSettings($input: SettingsInput!) {\n    updateSettings(input: $input) {\n      ...SettingsFields\n    }\n  }\n": types.UpdateSettingsDocument,
    "\n  fragment WebhookFields on Webhook {\n    id\n    url\n    types\n    statuses\n    signed\n    pending\n    lastDelivery {\n      ...WebhookDeliveryFields\n    }\n  }\n": types.WebhookFieldsFragmentDoc,
    "\n  fragment WebhookDeliveryFields on WebhookDelivery {\n    cursor\n    httpStatus\n    ok\n    attempts\n    at\n    error\n  }\n": types.WebhookDeliveryFieldsFragmentDoc,
    "\n  query Webhooks {\n    webhooks {\n      ...WebhookFields\n    }\n  }\n": types.WebhooksDocument,
    "\n  mutation AddWebhook($url: String!, $types: [ProgressType!], $statuses: [ProgressStatus!], $secret: String) {\n    addWebhook(url: $url, types: $types, statuses: $statuses, secret: $secret) {\n      ...WebhookFields\n    }\n  }\n": types.AddWebhookDocument,
    "\n  mutation RemoveWebhook($id: ID!) {\n    removeWebhook(id: $id)\n  }\n": types.RemoveWebhookDocument,
    "\n  mutation TestWebhook($id: ID!) {\n    testWebhook(id: $id) {\n      ...WebhookDeliveryFields\n    }\n  }\n": types.TestWebhookDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ProgressFields on Progress {\n    id\n    type\n    status\n    title\n    message\n    percent\n    current\n    total\n    speed\n    eta\n    error\n    metadata\n    startedAt\n    updatedAt\n    completedAt\n  }\n"): (typeof documents)["\n  fragment ProgressFields on Progress {\n    id\n    type\n    status\n    title\n    message\n    percent\n    current\n    total\n    speed\n    eta\n    error\n    metadata\n    startedAt\n    updatedAt\n    completedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ProgressEvents($types: [ProgressType!], $ids: [ID!], $snapshot: Boolean, $after: String) {\n    progressEvents(types: $types, ids: $ids, snapshot: $snapshot, after: $after) {\n      type\n      room\n      cursor\n      missed\n      progress {\n        ...ProgressFields\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ProgressEvents($types: [ProgressType!], $ids: [ID!], $snapshot: Boolean, $after: String) {\n    progressEvents(types: $types, ids: $ids, snapshot: $snapshot, after: $after) {\n      type\n      room\n      cursor\n      missed\n      progress {\n        ...ProgressFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ProgressUpdated($id: ID!) {\n    progressUpdated(id: $id) {\n      ...ProgressFields\n    }\n  }\n"): (typeof documents)["\n  subscription ProgressUpdated($id: ID!) {\n    progressUpdated(id: $id) {\n      ...ProgressFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Progress($id: ID!) {\n    progress(id: $id) {\n      ...ProgressFields\n    }\n  }\n"): (typeof documents)["\n  query Progress($id: ID!) {\n    progress(id: $id) {\n      ...ProgressFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ActiveProgress($types: [ProgressType!]) {\n    activeProgress(types: $types) {\n      ...ProgressFields\n    }\n  }\n"): (typeof documents)["\n  query ActiveProgress($types: [ProgressType!]) {\n    activeProgress(types: $types) {\n      ...ProgressFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProgressHistory($types: [ProgressType!], $statuses: [ProgressStatus!], $first: Int, $after: String) {\n    progressHistory(types: $types, statuses: $statuses, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ProgressFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ProgressHistory($types: [ProgressType!], $statuses: [ProgressStatus!], $first: Int, $after: String) {\n    progressHistory(types: $types, statuses: $statuses, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ProgressFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment QueueItemFields on QueueItem {\n    id\n    serieFolder\n    serieName\n    season\n    episode\n    status\n    error\n    retryCount\n    addedAt\n    startedAt\n    completedAt\n    filePath\n    progress {\n      ...ProgressFields\n    }\n  }\n"): (typeof documents)["\n  fragment QueueItemFields on QueueItem {\n    id\n    serieFolder\n    serieName\n    season\n    episode\n    status\n    error\n    retryCount\n    addedAt\n    startedAt\n    completedAt\n    filePath\n    progress {\n      ...ProgressFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment QueueStatusFields on QueueStatus {\n    isRunning\n    overallPercent\n    pending {\n      ...QueueItemFields\n    }\n    active {\n      ...QueueItemFields\n    }\n    paused {\n      ...QueueItemFields\n    }\n    completed {\n      ...QueueItemFields\n    }\n    failed {\n      ...QueueItemFields\n    }\n  }\n"): (typeof documents)["\n  fragment QueueStatusFields on QueueStatus {\n    isRunning\n    overallPercent\n    pending {\n      ...QueueItemFields\n    }\n    active {\n      ...QueueItemFields\n    }\n    paused {\n      ...QueueItemFields\n    }\n    completed {\n      ...QueueItemFields\n    }\n    failed {\n      ...QueueItemFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SeriesFields on Series {\n    key\n    name\n    folder\n    autoDownload\n    missingCount\n    missingEpisodes {\n      season\n      episode\n      title\n    }\n  }\n"): (typeof documents)["\n  fragment SeriesFields on Series {\n    key\n    name\n    folder\n    autoDownload\n    missingCount\n    missingEpisodes {\n      season\n      episode\n      title\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Library {\n    library {\n      ...SeriesFields\n    }\n  }\n"): (typeof documents)["\n  query Library {\n    library {\n      ...SeriesFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Series($folder: String!) {\n    series(folder: $folder) {\n      ...SeriesFields\n    }\n  }\n"): (typeof documents)["\n  query Series($folder: String!) {\n    series(folder: $folder) {\n      ...SeriesFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Queue {\n    queue {\n      ...QueueStatusFields\n    }\n  }\n"): (typeof documents)["\n  query Queue {\n    queue {\n      ...QueueStatusFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddSeries($key: String!, $folder: String) {\n    addSeries(key: $key, folder: $folder) {\n      ...SeriesFields\n    }\n  }\n"): (typeof documents)["\n  mutation AddSeries($key: String!, $folder: String) {\n    addSeries(key: $key, folder: $folder) {\n      ...SeriesFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveSeries($folder: String!, $deleteFiles: Boolean) {\n    removeSeries(folder: $folder, deleteFiles: $deleteFiles) {\n      ...SeriesFields\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveSeries($folder: String!, $deleteFiles: Boolean) {\n    removeSeries(folder: $folder, deleteFiles: $deleteFiles) {\n      ...SeriesFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartScan {\n    startScan {\n      ...ProgressFields\n    }\n  }\n"): (typeof documents)["\n  mutation StartScan {\n    startScan {\n      ...ProgressFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelScan {\n    cancelScan {\n      ...ProgressFields\n    }\n  }\n"): (typeof documents)["\n  mutation CancelScan {\n    cancelScan {\n      ...ProgressFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EnqueueDownloads($episodes: [EpisodeInput!]!, $replace: Boolean) {\n    enqueueDownloads(episodes: $episodes, replace: $replace) {\n      ...QueueItemFields\n    }\n  }\n"): (typeof documents)["\n  mutation EnqueueDownloads($episodes: [EpisodeInput!]!, $replace: Boolean) {\n    enqueueDownloads(episodes: $episodes, replace: $replace) {\n      ...QueueItemFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EnqueueMissing($serieFolder: String) {\n    enqueueMissing(serieFolder: $serieFolder) {\n      ...QueueItemFields\n    }\n  }\n"): (typeof documents)["\n  mutation EnqueueMissing($serieFolder: String) {\n    enqueueMissing(serieFolder: $serieFolder) {\n      ...QueueItemFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelDownload($id: ID!) {\n    cancelDownload(id: $id) {\n      ...QueueItemFields\n    }\n  }\n"): (typeof documents)["\n  mutation CancelDownload($id: ID!) {\n    cancelDownload(id: $id) {\n      ...QueueItemFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveFromQueue($ids: [ID!]!) {\n    removeFromQueue(ids: $ids)\n  }\n"): (typeof documents)["\n  mutation RemoveFromQueue($ids: [ID!]!) {\n    removeFromQueue(ids: $ids)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryFailed($ids: [ID!]) {\n    retryFailed(ids: $ids) {\n      ...QueueItemFields\n    }\n  }\n"): (typeof documents)["\n  mutation RetryFailed($ids: [ID!]) {\n    retryFailed(ids: $ids) {\n      ...QueueItemFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClearCompleted {\n    clearCompleted\n  }\n"): (typeof documents)["\n  mutation ClearCompleted {\n    clearCompleted\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartQueue {\n    startQueue {\n      ...QueueStatusFields\n    }\n  }\n"): (typeof documents)["\n  mutation StartQueue {\n    startQueue {\n      ...QueueStatusFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StopQueue {\n    stopQueue {\n      ...QueueStatusFields\n    }\n  }\n"): (typeof documents)["\n  mutation StopQueue {\n    stopQueue {\n      ...QueueStatusFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription QueueUpdated {\n    queueUpdated {\n      ...QueueStatusFields\n    }\n  }\n"): (typeof documents)["\n  subscription QueueUpdated {\n    queueUpdated {\n      ...QueueStatusFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ServiceInfo {\n    serviceInfo {\n      version\n      backend\n      instanceId\n      instances {\n        id\n        runsQueue\n        startedAt\n        lastSeenAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query ServiceInfo {\n    serviceInfo {\n      version\n      backend\n      instanceId\n      instances {\n        id\n        runsQueue\n        startedAt\n        lastSeenAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PauseDownload($id: ID!) {\n    pauseDownload(id: $id) {\n      ...QueueItemFields\n    }\n  }\n"): (typeof documents)["\n  mutation PauseDownload($id: ID!) {\n    pauseDownload(id: $id) {\n      ...QueueItemFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeDownload($id: ID!) {\n    resumeDownload(id: $id) {\n      ...QueueItemFields\n    }\n  }\n"): (typeof documents)["\n  mutation ResumeDownload($id: ID!) {\n    resumeDownload(id: $id) {\n      ...QueueItemFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MoveInQueue($id: ID!, $position: Int!) {\n    moveInQueue(id: $id, position: $position) {\n      ...QueueStatusFields\n    }\n  }\n"): (typeof documents)["\n  mutation MoveInQueue($id: ID!, $position: Int!) {\n    moveInQueue(id: $id, position: $position) {\n      ...QueueStatusFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetSeriesAutoDownload($folder: String!, $enabled: Boolean!) {\n    setSeriesAutoDownload(folder: $folder, enabled: $enabled) {\n      ...SeriesFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetSeriesAutoDownload($folder: String!, $enabled: Boolean!) {\n    setSeriesAutoDownload(folder: $folder, enabled: $enabled) {\n      ...SeriesFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchCatalog($query: String!) {\n    searchCatalog(query: $query) {\n      key\n      name\n    }\n  }\n"): (typeof documents)["\n  query SearchCatalog($query: String!) {\n    searchCatalog(query: $query) {\n      key\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SettingsFields on Settings {\n    speedLimit\n    autoScanInterval\n    downloadConcurrency\n  }\n"): (typeof documents)["\n  fragment SettingsFields on Settings {\n    speedLimit\n    autoScanInterval\n    downloadConcurrency\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Settings {\n    settings {\n      ...SettingsFields\n    }\n  }\n"): (typeof documents)["\n  query Settings {\n    settings {\n      ...SettingsFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateSettings($input: SettingsInput!) {\n    updateSettings(input: $input) {\n      ...SettingsFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateSettings($input: SettingsInput!) {\n    updateSettings(input: $input) {\n      ...SettingsFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WebhookFields on Webhook {\n    id\n    url\n    types\n    statuses\n    signed\n    pending\n    lastDelivery {\n      ...WebhookDeliveryFields\n    }\n  }\n"): (typeof documents)["\n  fragment WebhookFields on Webhook {\n    id\n    url\n    types\n    statuses\n    signed\n    pending\n    lastDelivery {\n      ...WebhookDeliveryFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WebhookDeliveryFields on WebhookDelivery {\n    cursor\n    httpStatus\n    ok\n    attempts\n    at\n    error\n  }\n"): (typeof documents)["\n  fragment WebhookDeliveryFields on WebhookDelivery {\n    cursor\n    httpStatus\n    ok\n    attempts\n    at\n    error\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Webhooks {\n    webhooks {\n      ...WebhookFields\n    }\n  }\n"): (typeof documents)["\n  query Webhooks {\n    webhooks {\n      ...WebhookFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddWebhook($url: String!, $types: [ProgressType!], $statuses: [ProgressStatus!], $secret: String) {\n    addWebhook(url: $url, types: $types, statuses: $statuses, secret: $secret) {\n      ...WebhookFields\n    }\n  }\n"): (typeof documents)["\n  mutation AddWebhook($url: String!, $types: [ProgressType!], $statuses: [ProgressStatus!], $secret: String) {\n    addWebhook(url: $url, types: $types, statuses: $statuses, secret: $secret) {\n      ...WebhookFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveWebhook($id: ID!) {\n    removeWebhook(id: $id)\n  }\n"): (typeof documents)["\n  mutation RemoveWebhook($id: ID!) {\n    removeWebhook(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TestWebhook($id: ID!) {\n    testWebhook(id: $id) {\n      ...WebhookDeliveryFields\n    }\n  }\n"): (typeof documents)["\n  mutation TestWebhook($id: ID!) {\n    testWebhook(id: $id) {\n      ...WebhookDeliveryFields\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;