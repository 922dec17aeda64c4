/** Child process: SeriesApp.rescan of a library against a catalog; prints {ms, maxRss, series, missing} as JSON. */
import { createCatalogClient } from '../../src/core/catalog-client.js';
import { SeriesApp } from '../../src/core/series-app.js';

const [libraryDir, baseUrl] = process.argv.slice(2) as [string, string];
const app = new SeriesApp({ libraryDir, catalog: createCatalogClient({ baseUrl }) });
let progressEvents = 0;
app.on('scan_status', () => void progressEvents++);
const t0 = performance.now();
const result = await app.rescan();
const ms = performance.now() - t0;
const errors = result.series.filter((s) => s.error).length;
const missing = result.series.reduce((n, s) => n + s.missingEpisodes.length, 0);
console.log(JSON.stringify({ ms, maxRss: process.resourceUsage().maxRSS * 1024, series: result.series.length, missing, errors, progressEvents, firstError: result.series.find((s) => s.error)?.error }));
