import { builder } from './builder.js';
import type { CatalogSearchHit } from '../core/catalog-client.js';

const CatalogHitRef = builder.objectRef<CatalogSearchHit>('CatalogHit').implement({
  description: "A hit of the catalog's search.",
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The catalog key to pass to addSeries.' }),
    name: t.exposeString('name'),
  }),
});

builder.queryFields((t) => ({
  searchCatalog: t.field({
    type: [CatalogHitRef],
    description: "Series of the catalog matching the text (the catalog's /search), to find a key for addSeries.",
    args: { query: t.arg.string({ required: true }) },
    resolve: (_root, { query }, ctx) => ctx.anime.searchCatalog(query),
  }),
}));
