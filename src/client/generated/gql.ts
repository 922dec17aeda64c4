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
    "\n  subscription ProgressEvents($types: [ProgressType!], $ids: [ID!], $snapshot: Boolean, $after: String) {\n    progressEvents(types: $types, ids: $ids, snapshot: $snapshot, after: $after) {\n      type\n      room\n      cursor\n      progress {\n        ...ProgressFields\n      }\n    }\n  }\n": typeof types.ProgressEventsDocument,
    "\n  subscription ProgressUpdated($id: ID!) {\n    progressUpdated(id: $id) {\n      ...ProgressFields\n    }\n  }\n": typeof types.ProgressUpdatedDocument,
    "\n  query Progress($id: ID!) {\n    progress(id: $id) {\n      ...ProgressFields\n    }\n  }\n": typeof types.ProgressDocument,
    "\n  query ActiveProgress($types: [ProgressType!]) {\n    activeProgress(types: $types) {\n      ...ProgressFields\n    }\n  }\n": typeof types.ActiveProgressDocument,
    "\n  query ProgressHistory($types: [ProgressType!], $statuses: [ProgressStatus!], $first: Int, $after: String) {\n    progressHistory(types: $types, statuses: $statuses, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ProgressFields\n        }\n      }\n    }\n  }\n": typeof types.ProgressHistoryDocument,
};
const documents: Documents = {
    "\n  fragment ProgressFields on Progress {\n    id\n    type\n    status\n    title\n    message\n    percent\n    current\n    total\n    speed\n    eta\n    error\n    metadata\n    startedAt\n    updatedAt\n    completedAt\n  }\n": types.ProgressFieldsFragmentDoc,
    "\n  subscription ProgressEvents($types: [ProgressType!], $ids: [ID!], $snapshot: Boolean, $after: String) {\n    progressEvents(types: $types, ids: $ids, snapshot: $snapshot, after: $after) {\n      type\n      room\n      cursor\n      progress {\n        ...ProgressFields\n      }\n    }\n  }\n": types.ProgressEventsDocument,
    "\n  subscription ProgressUpdated($id: ID!) {\n    progressUpdated(id: $id) {\n      ...ProgressFields\n    }\n  }\n": types.ProgressUpdatedDocument,
    "\n  query Progress($id: ID!) {\n    progress(id: $id) {\n      ...ProgressFields\n    }\n  }\n": types.ProgressDocument,
    "\n  query ActiveProgress($types: [ProgressType!]) {\n    activeProgress(types: $types) {\n      ...ProgressFields\n    }\n  }\n": types.ActiveProgressDocument,
    "\n  query ProgressHistory($types: [ProgressType!], $statuses: [ProgressStatus!], $first: Int, $after: String) {\n    progressHistory(types: $types, statuses: $statuses, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ProgressFields\n        }\n      }\n    }\n  }\n": types.ProgressHistoryDocument,
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
export function graphql(source: "\n  subscription ProgressEvents($types: [ProgressType!], $ids: [ID!], $snapshot: Boolean, $after: String) {\n    progressEvents(types: $types, ids: $ids, snapshot: $snapshot, after: $after) {\n      type\n      room\n      cursor\n      progress {\n        ...ProgressFields\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ProgressEvents($types: [ProgressType!], $ids: [ID!], $snapshot: Boolean, $after: String) {\n    progressEvents(types: $types, ids: $ids, snapshot: $snapshot, after: $after) {\n      type\n      room\n      cursor\n      progress {\n        ...ProgressFields\n      }\n    }\n  }\n"];
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

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;