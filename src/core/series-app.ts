import { EventEmitter } from 'node:events';
import { lstat, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { type CatalogClient, type CatalogSearchHit, type CatalogSeries, findCatalogEpisode } from './catalog-client.js';
import { type DownloaderOptions, downloadFile } from './downloader.js';
import {
  CatalogUnavailableError,
  CoreError,
  DownloadCancelledError,
  DownloadInterruptedError,
  DownloadInProgressError,
  EpisodeNotInCatalogError,
  NotASeriesError,
  ScanCancelledError,
  ScanInProgressError,
  errorMessage,
} from './errors.js';
import {
  VIDEO_EXTENSIONS,
  assertRealPathInside,
  createSeriesFolder,
  episodeFileName,
  findEpisodeFiles,
  listSeriesFolders,
  readSeriesInfo,
  resolveInside,
  sanitizeName,
  SERIES_FILE,
  type EpisodeFiles,
  type SeriesFolder,
  type SeriesInfo,
  validateFolderName,
} from './library.js';

/** Catalog lookups running at once during a scan. */
export const DEFAULT_SCAN_CONCURRENCY = 4;

/** pino-compatible subset. */
export interface CoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const silentLogger: CoreLogger = { info() {}, warn() {}, error() {} };

export interface SeriesAppOptions {
  /** Root of the media library; nothing is written outside it. */
  libraryDir: string;
  catalog: CatalogClient;
  /** Catalog lookups at once during a scan. Default {@link DEFAULT_SCAN_CONCURRENCY}. */
  scanConcurrency?: number;
  /** Retry and timeout settings of every download. Default: the downloader's defaults. */
  downloader?: DownloaderOptions;
  /** Default: silent. */
  logger?: CoreLogger;
}

export interface MissingEpisode {
  season: number;
  episode: number;
  title?: string;
}

export interface ScanSeriesResult {
  key: string;
  name: string;
  folder: string;
  missingEpisodes: MissingEpisode[];
  catalog?: CatalogSeries;
  /** Why this series could not be checked (the scan goes on without it). */
  error?: string;
}

export interface ScanResult {
  series: ScanSeriesResult[];
}

export type ScanStatusEvent =
  | { status: 'started'; total: number }
  | { status: 'progress'; current: number; total: number; folder: string }
  | { status: 'completed'; current: number; total: number; result: ScanResult }
  | { status: 'failed'; error: string; code?: string }
  | { status: 'cancelled' };

export interface EpisodeRef {
  serieFolder: string;
  season: number;
  episode: number;
}

export interface DownloadStatusEvent extends EpisodeRef {
  /** `retrying`: an attempt failed (e.g. stalled) and the next starts from the bytes on disk. */
  status: 'started' | 'progress' | 'retrying' | 'completed' | 'failed' | 'cancelled';
  /** Bytes on disk. */
  current: number;
  /** Expected bytes, or null while unknown. */
  total: number | null;
  /** Relative to the library root, `/`-separated; on 'completed'. */
  filePath?: string;
  /** On 'failed' and 'retrying'. */
  error?: string;
  /** On 'retrying': failed attempts in a row so far. */
  failures?: number;
  /** CoreError code, on 'failed'. */
  code?: string;
}

export interface EpisodeDownloadResult {
  /** Relative to the library root, `/`-separated. */
  filePath: string;
  size: number;
  /** Null when the catalog gave no sha256 (the bytes are then not hashed). */
  sha256: string | null;
}

export type SeriesAppEvents = {
  scan_status: [ScanStatusEvent];
  download_status: [DownloadStatusEvent];
};

/**
 * The library manager's work: adding series, scanning for missing episodes,
 * downloading them. Reports through `scan_status` and `download_status` events;
 * knows nothing of GraphQL or progress tracking.
 */
export class SeriesApp extends EventEmitter<SeriesAppEvents> {
  readonly libraryDir: string;
  private readonly catalog: CatalogClient;
  private readonly scanConcurrency: number;
  private readonly downloaderOptions: DownloaderOptions;
  private readonly log: CoreLogger;
  private scan: AbortController | undefined;
  private readonly activeDownloads = new Set<string>();

  constructor(options: SeriesAppOptions) {
    super();
    this.libraryDir = path.resolve(options.libraryDir);
    this.catalog = options.catalog;
    this.scanConcurrency = Math.max(1, options.scanConcurrency ?? DEFAULT_SCAN_CONCURRENCY);
    this.downloaderOptions = options.downloader ?? {};
    this.log = options.logger ?? silentLogger;
  }

  /**
   * Adds a catalog series as a new folder (default: the sanitized series name).
   * @throws InvalidFolderError, FolderExistsError, CatalogNotFoundError, CatalogUnavailableError
   */
  async addSeries(
    key: string,
    folder?: string,
  ): Promise<{ key: string; name: string; folder: string; catalog: CatalogSeries }> {
    if (folder !== undefined) validateFolderName(folder);
    const series = await this.catalog.getSeries(key);
    const target = folder ?? sanitizeName(series.name, key);
    validateFolderName(target);
    await createSeriesFolder(this.libraryDir, target, { key, name: series.name });
    this.log.info({ key, folder: target }, 'series added');
    return { key, name: series.name, folder: target, catalog: series };
  }

  /**
   * Takes a series out of the library: without `deleteFiles` only its series.json goes (the
   * folder and its episode files stay, no longer a series); with it, the whole folder.
   * A symlinked folder is not a series and is never followed.
   * @throws InvalidFolderError, NotASeriesError
   */
  async removeSeries(folder: string, options: { deleteFiles: boolean }): Promise<SeriesInfo> {
    validateFolderName(folder);
    const dir = resolveInside(this.libraryDir, folder);
    const info = await readSeriesInfo(dir);
    if (!info) throw new NotASeriesError(folder);
    if (options.deleteFiles) await rm(dir, { recursive: true, force: true });
    else await rm(path.join(dir, SERIES_FILE), { force: true });
    this.log.info({ folder, deleteFiles: options.deleteFiles }, 'series removed');
    return info;
  }

  /**
   * Compares one series folder with its catalog entry now (what a scan does for each series),
   * so a file deleted since the last scan counts as missing without a new scan.
   * @throws InvalidFolderError, NotASeriesError, Catalog*Error
   */
  async checkSeries(folder: string, options: { signal?: AbortSignal } = {}): Promise<ScanSeriesResult> {
    validateFolderName(folder);
    const dir = resolveInside(this.libraryDir, folder);
    const info = await readSeriesInfo(dir);
    if (!info) throw new NotASeriesError(folder);
    const [catalog, files] = await Promise.all([this.catalog.getSeries(info.key, options), findEpisodeFiles(dir)]);
    return { ...info, folder, missingEpisodes: missingOf(catalog, files), catalog };
  }

  /** The episode files of a series folder, now. @throws InvalidFolderError, NotASeriesError */
  async episodeFiles(folder: string): Promise<EpisodeFiles> {
    validateFolderName(folder);
    const dir = resolveInside(this.libraryDir, folder);
    if (!(await readSeriesInfo(dir))) throw new NotASeriesError(folder);
    return findEpisodeFiles(dir);
  }

  searchCatalog(query: string, options?: { signal?: AbortSignal }): Promise<CatalogSearchHit[]> {
    return this.catalog.search(query, options);
  }

  listSeries(): Promise<SeriesFolder[]> {
    return listSeriesFolders(this.libraryDir);
  }

  get scanning(): boolean {
    return this.scan !== undefined;
  }

  /** Aborts the running scan; false when none runs. */
  cancelScan(): boolean {
    if (!this.scan) return false;
    this.scan.abort();
    return true;
  }

  /**
   * Compares every series folder with its catalog entry. One scan at a time.
   * @throws ScanInProgressError, ScanCancelledError
   */
  async rescan(options: { signal?: AbortSignal } = {}): Promise<ScanResult> {
    if (this.scan) throw new ScanInProgressError();
    const controller = new AbortController();
    this.scan = controller;
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    try {
      signal.throwIfAborted();
      const folders = await listSeriesFolders(this.libraryDir);
      signal.throwIfAborted();
      const total = folders.length;
      this.emit('scan_status', { status: 'started', total });
      const results: ScanSeriesResult[] = new Array(total);
      let done = 0;
      let next = 0;
      const worker = async () => {
        while (next < total) {
          const i = next++;
          const folder = folders[i]!;
          results[i] = await this.scanSeries(folder, signal);
          signal.throwIfAborted();
          this.emit('scan_status', { status: 'progress', current: ++done, total, folder: folder.folder });
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.scanConcurrency, total) }, worker));
      // One series the catalog cannot answer for is that series' problem; all of them is the
      // catalog's, and calling that scan a success would hide it.
      if (total > 0 && results.every((r) => r.error)) {
        throw new CatalogUnavailableError(`the catalog answered for none of the ${total} series: ${results[0]!.error}`);
      }
      const result: ScanResult = { series: results };
      this.emit('scan_status', { status: 'completed', current: total, total, result });
      return result;
    } catch (err) {
      if (signal.aborted) {
        this.emit('scan_status', { status: 'cancelled' });
        throw new ScanCancelledError();
      }
      this.log.error({ err }, 'library scan failed');
      this.emit('scan_status', { status: 'failed', error: errorMessage(err), ...(err instanceof CoreError ? { code: err.code } : {}) });
      throw err;
    } finally {
      this.scan = undefined;
    }
  }

  private async scanSeries(folder: SeriesFolder, signal: AbortSignal): Promise<ScanSeriesResult> {
    const base = { key: folder.key, name: folder.name, folder: folder.folder };
    try {
      const [catalog, files] = await Promise.all([
        this.catalog.getSeries(folder.key, { signal }),
        findEpisodeFiles(folder.path),
      ]);
      return { ...base, missingEpisodes: missingOf(catalog, files), catalog };
    } catch (err) {
      if (signal.aborted) throw err;
      this.log.warn({ err, folder: folder.folder, key: folder.key }, 'series skipped in scan');
      return { ...base, missingEpisodes: [], error: errorMessage(err) };
    }
  }

  /**
   * Removes the part file an interrupted download of this episode left, if any (a cancelled
   * download leaves nothing behind). Never touches anything outside the series folder.
   */
  async discardPartial(ref: EpisodeRef): Promise<void> {
    const { serieFolder, season, episode } = ref;
    validateFolderName(serieFolder);
    const seriesDir = resolveInside(this.libraryDir, serieFolder);
    const info = await readSeriesInfo(seriesDir);
    if (!info) return;
    const entry = findCatalogEpisode(await this.catalog.getSeries(info.key), season, episode);
    if (!entry) return;
    const relInSeries = episodeFileName(info.name, season, episode, extensionOf(entry.url));
    await rm(partPathOf(resolveInside(seriesDir, ...relInSeries.split('/'))), { force: true });
  }

  /**
   * Downloads one catalog episode into its series folder, resuming a part file
   * left by an earlier attempt. Emits `started`, `progress`… and exactly one of
   * `completed`, `failed`, `cancelled`.
   * @throws InvalidFolderError, NotASeriesError, EpisodeNotInCatalogError,
   *   DownloadInProgressError, DownloadFailedError, DownloadCancelledError, Catalog*Error
   */
  async download(ref: EpisodeRef, options: { signal?: AbortSignal } = {}): Promise<EpisodeDownloadResult> {
    const { serieFolder, season, episode } = ref;
    const id = `${serieFolder}\u0000${season}\u0000${episode}`;
    // Two writers on one part file would corrupt it.
    if (this.activeDownloads.has(id)) throw new DownloadInProgressError(serieFolder, season, episode);
    this.activeDownloads.add(id);
    const base = { serieFolder, season, episode };
    let current = 0;
    let total: number | null = null;
    this.emit('download_status', { ...base, status: 'started', current, total });
    try {
      validateFolderName(serieFolder);
      const seriesDir = resolveInside(this.libraryDir, serieFolder);
      const info = await readSeriesInfo(seriesDir);
      if (!info) throw new NotASeriesError(serieFolder);
      const catalog = await this.catalog.getSeries(info.key, options);
      const entry = findCatalogEpisode(catalog, season, episode);
      if (!entry) throw new EpisodeNotInCatalogError(info.key, season, episode);
      total = entry.size ?? null;

      const relInSeries = episodeFileName(info.name, season, episode, extensionOf(entry.url));
      const destPath = resolveInside(seriesDir, ...relInSeries.split('/'));
      const destDir = path.dirname(destPath);
      await mkdir(destDir, { recursive: true });
      // A symlinked Season folder must not carry the write outside the library.
      await assertRealPathInside(this.libraryDir, destDir);
      const tempPath = path.join(destDir, `.${path.basename(destPath)}.part`);
      // Appending through a planted symlink would write wherever it points.
      if ((await lstat(tempPath).catch(() => null))?.isSymbolicLink()) await rm(tempPath);
      const result = await downloadFile({
        ...this.downloaderOptions,
        url: entry.url,
        destPath,
        tempPath,
        ...(entry.size !== undefined ? { expectedSize: entry.size } : {}),
        ...(entry.sha256 !== undefined ? { sha256: entry.sha256 } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (c, t) => {
          current = c;
          total = t;
          this.emit('download_status', { ...base, status: 'progress', current, total });
        },
        onRetry: (info) => {
          this.log.warn({ ...base, ...info }, 'download attempt failed, retrying');
          current = info.bytes;
          this.emit('download_status', { ...base, status: 'retrying', current, total, error: info.error, failures: info.failures });
        },
      });
      const filePath = `${serieFolder}/${relInSeries}`;
      this.emit('download_status', {
        ...base,
        status: 'completed',
        current: result.size,
        total: result.size,
        filePath,
      });
      this.log.info({ ...base, filePath, size: result.size }, 'episode downloaded');
      return { filePath, size: result.size, sha256: result.sha256 };
    } catch (err) {
      // Stopped for a shutdown: not an outcome; the download resumes at the next start.
      if (options.signal?.reason instanceof DownloadInterruptedError) throw options.signal.reason;
      if (options.signal?.aborted) {
        this.emit('download_status', { ...base, status: 'cancelled', current, total });
        throw err instanceof DownloadCancelledError ? err : new DownloadCancelledError();
      } else {
        this.log.warn({ ...base, err }, 'download failed');
        this.emit('download_status', {
          ...base,
          status: 'failed',
          current,
          total,
          error: errorMessage(err),
          ...(err instanceof CoreError ? { code: err.code } : {}),
        });
      }
      throw err;
    } finally {
      this.activeDownloads.delete(id);
    }
  }
}

/** The catalog's episodes that have no file, in season and episode order. */
function missingOf(catalog: CatalogSeries, files: EpisodeFiles): MissingEpisode[] {
  const missing: MissingEpisode[] = [];
  for (const season of [...catalog.seasons].sort((a, b) => a.season - b.season)) {
    for (const ep of [...season.episodes].sort((a, b) => a.episode - b.episode)) {
      if (!files.has(season.season, ep.episode)) {
        missing.push({ season: season.season, episode: ep.episode, ...(ep.title !== undefined ? { title: ep.title } : {}) });
      }
    }
  }
  return missing;
}

/** Where a download keeps its bytes until they are whole: beside the final file, hidden. */
function partPathOf(destPath: string): string {
  return path.join(path.dirname(destPath), `.${path.basename(destPath)}.part`);
}

/** The episode file's extension: the URL's when it names a video type, else mp4. */
function extensionOf(url: string): string {
  const ext = path.posix.extname(new URL(url).pathname).toLowerCase();
  return VIDEO_EXTENSIONS.has(ext) ? ext.slice(1) : 'mp4';
}
