import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ValidationPlugin from '@pothos/plugin-validation';
import { DateTimeISOResolver, JSONResolver } from 'graphql-scalars';
import { BadInputError } from '../services/errors.js';
import type { AnimeService } from '../services/anime-service.js';
import type { DownloadService } from '../services/download-service.js';
import type { ProgressService } from '../services/progress-service.js';
import type { ServiceInfoService } from '../services/service-info.js';
import type { SettingsService } from '../services/settings-service.js';
import type { WebhookService } from '../services/webhook-service.js';

/** What every resolver gets: the services, nothing of the transport. */
export interface AppContext {
  progress: ProgressService;
  anime: AnimeService;
  downloads: DownloadService;
  serviceInfo: ServiceInfoService;
  settings: SettingsService;
  webhooks: WebhookService;
}

export const builder = new SchemaBuilder<{
  Context: AppContext;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | number | string };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [RelayPlugin, ValidationPlugin],
  defaultFieldNullability: false,
  relay: {
    // Progress ids are the contract's own (download_x_1_2), not global ids: no Node queries.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    cursorType: 'String',
    clientMutationId: 'omit',
  },
  validation: {
    // Argument problems are bad input like any other: one code, a message naming the argument.
    validationError: (result) =>
      new BadInputError(
        result.issues
          .map((issue) => {
            const path = issue.path?.map((p) => (typeof p === 'object' ? p.key : p)).join('.');
            return path ? `${path}: ${issue.message}` : issue.message;
          })
          .join('; '),
      ),
  },
});

builder.addScalarType('DateTime', DateTimeISOResolver, {
  description: 'An ISO 8601 date-time string in UTC, e.g. 2025-11-07T10:05:00.000Z.',
});
builder.addScalarType('JSON', JSONResolver, { description: 'Any JSON value.' });

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
