import type { CatalogClient } from '../core/catalog-client.js';
import { CoreError } from '../core/errors.js';
import type { ProgressService } from './progress-service.js';

/** Component name of the catalog: its ERROR record is error_catalog. */
export const CATALOG_COMPONENT = 'catalog';

/** Failures that are the catalog's (down, or answering nonsense), not the request's. */
const CATALOG_FAULTS = new Set(['CATALOG_UNAVAILABLE', 'CATALOG_INVALID_RESPONSE']);

/**
 * The catalog client, reporting a catalog that cannot be reached as `error_catalog`.
 * One record when it starts failing, not one per request while it stays down (a scan of a
 * large library would bury everything else); after an answer, the next failure reports again.
 * A 404 for an unknown key is an answer, not a failure of the catalog.
 */
export function monitorCatalog(catalog: CatalogClient, progress: ProgressService): CatalogClient {
  let failing = false;
  const watch = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      const result = await call();
      failing = false;
      return result;
    } catch (err) {
      const code = err instanceof CoreError ? err.code : null;
      if (code && CATALOG_FAULTS.has(code) && !failing) {
        failing = true;
        progress.reportError({
          source: CATALOG_COMPONENT,
          code,
          error: (err as Error).message,
          title: 'Catalog unreachable',
          metadata: { catalogUrl: catalog.baseUrl },
        });
      } else if (code === 'CATALOG_NOT_FOUND') {
        failing = false;
      }
      throw err;
    }
  };
  return {
    get baseUrl() {
      return catalog.baseUrl;
    },
    getSeries: (key, options) => watch(() => catalog.getSeries(key, options)),
    search: (query, options) => watch(() => catalog.search(query, options)),
  };
}
