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
