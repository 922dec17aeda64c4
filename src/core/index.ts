// The core's public surface, for the service layer.
export * from './errors.js';
export * from './catalog-client.js';
export * from './library.js';
export * from './downloader.js';
export * from './demo-catalog.js';
export * from './series-app.js';
export { parseRangeHeader } from './http-range.js';
