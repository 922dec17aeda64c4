import { builder } from './builder.js';
import './progress.js';
import './series.js';
import './queue.js';
import './catalog.js';
import './settings.js';
import './webhooks.js';
import './service-info.js';

/** The whole GraphQL schema, built from the domain files imported above. */
export const schema = builder.toSchema({ sortSchema: false });
