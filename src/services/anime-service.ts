import type { Logger } from 'pino';
import { findCatalogEpisode, type CatalogClient, type CatalogSearchHit, type CatalogSeries } from '../core/catalog-client.js';
import { CancelledError, CatalogNotFoundError, NotASeriesError, errorMessage } from '../core/errors.js';
import type { EpisodeFiles } from '../core/library.js';
import { readSeriesInfo, resolveInside, validateFolderName } from '../core/library.js';
import type {
  DownloadStatusEvent,
  EpisodeDownloadResult,
  EpisodeRef,
  ScanResult,
  ScanStatusEvent,
  SeriesApp,
} from '../core/series-app.js';
import type { AsyncLibraryStore, SeriesRecord } from '../store/library-store.js';
import { BadInputError, ServiceError } from './errors.js';
import { LOCAL_GATE, type RunnerGate } from './runner-gate.js';
import type { ProgressService } from './progress-service.js';
import type { ProgressRecord } from '../domain/progress-types.js';

/** Progress id of the library scan (the contract's). */
export const SCAN_PROGRESS_ID = 'library_scan';

/** Longest catalog search text accepted. */
export const MAX_SEARCH_QUERY_LENGTH = 200;

/** Progress id of one episode's download (the contract's). */
export function downloadProgressId({ serieFolder, season, episode }: EpisodeRef): string {
  return `download_${serieFolder}_${season}_${episode}`;
}

export function episodeLabel(season: number, episode: number): string {
  return `S${String(season).padStart(2, '0')}E${String(episode).padStart(2, '0')}`;
}

export interface AnimeServiceOptions {
  seriesApp: SeriesApp;
  catalog: CatalogClient;
  progress: ProgressService;
  library: AsyncLibraryStore;
  logger: Logger;
  /** Where scans and series changes run when this instance does not run the queue. @default LOCAL_GATE */
  gate?: RunnerGate;
}

/** Catalog search hits offered when addSeries is given an unknown key. */
export const MAX_KEY_SUGGESTIONS = 5;
/** Longest addSeries waits for the catalog's search hits before refusing without them. */
export const SUGGESTION_TIMEOUT_MS = 3_000;
/** Series checked against the catalog at once when enqueueMissing looks at the whole library. */
export const REFRESH_CONCURRENCY = 4;

/** A series folder's series.json, catalog entry and episode files, looked up once per request. */
export interface SeriesLookup {
  info: { key: string; name: string };
  catalog: CatalogSeries;
  files: EpisodeFiles;
}

/** What enqueueing needs to know of an episode once it is known to exist. */
export interface CheckedEpisode extends EpisodeRef {
  serieName: string;
  size: number | null;
}

/**
 * The web layer's door to the library manager: it translates SeriesApp's scan and
 * download events into ProgressService calls with the contract's ids, and keeps the
 * library as the last scan saw it (persisted, updated as downloads finish).
 */
export class AnimeService {
  private readonly app: SeriesApp;
  private readonly catalog: CatalogClient;
  private readonly progress: ProgressService;
  private readonly library: AsyncLibraryStore;
  private readonly logger: Logger;
  private readonly gate: RunnerGate;
  private readonly titles = new Map<string, string>();
  /** Downloads whose record says an attempt failed; the next progress clears that. */
  private readonly retrying = new Set<string>();

  constructor(options: AnimeServiceOptions) {
    this.app = options.seriesApp;
    this.catalog = options.catalog;
    this.progress = options.progress;
    this.library = options.library;
    this.logger = options.logger;
    this.gate = options.gate ?? LOCAL_GATE;
    this.app.on('scan_status', (e) => this.guard(() => this.onScanStatus(e)));
    this.app.on('download_status', (e) => this.guard(() => this.onDownloadStatus(e)));
  }

  /** A translation bug must never break the core's emitter. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logger.error({ err }, 'could not translate a SeriesApp event');
    }
  }

  /** This instance runs the operation (its progress record is this instance's to update). */
  private isActive(id: string): boolean {
    return this.progress.isProducing(id);
  }

  /** Runs `name` on the queue runner when that is not this instance; undefined when it is. */
  private remote<T>(name: string, args: unknown[]): Promise<T> | undefined {
    return this.gate.local ? undefined : (this.gate.call(`anime.${name}`, args) as Promise<T>);
  }

  private onScanStatus(e: ScanStatusEvent): void {
    const id = SCAN_PROGRESS_ID;
    if (!this.isActive(id)) {
      if (e.status !== 'started') return; // cancelled by request: already finished
      this.progress.startProgress(id, 'SCAN', 'Library scan');
    }
    switch (e.status) {
      case 'started':
        this.progress.updateProgress(id, {
          current: 0,
          total: e.total,
          message: `Scanning ${e.total} series`,
          forceBroadcast: true,
        });
        break;
      case 'progress':
        this.progress.updateProgress(id, {
          current: e.current,
          total: e.total,
          message: `Checked ${e.folder} (${e.current} of ${e.total})`,
          metadata: { folder: e.folder },
        });
        break;
      case 'completed': {
        const missing = e.result.series.reduce((n, s) => n + s.missingEpisodes.length, 0);
        // The library is written before the scan says it is done: a client that reads it on
        // COMPLETED sees what the scan found.
        void this.saveScan(e.result)
          .catch((err: unknown) => this.logger.error({ err }, 'could not save the scanned library'))
          .then(() => {
            if (!this.isActive(id)) return; // cancelled meanwhile
            this.progress.updateProgress(id, { current: e.current, total: e.total });
            this.progress.completeProgress(id, {
              message: `${e.total} series checked, ${missing} episodes missing`,
              metadata: { series: e.total, missing, failed: e.result.series.filter((s) => s.error).length },
            });
          });
        break;
      }
      case 'failed':
        this.progress.failProgress(id, e.error, { code: e.code ?? 'SCAN_FAILED' });
        break;
      case 'cancelled':
        this.progress.cancelProgress(id, { message: 'Scan cancelled' });
        break;
    }
  }

  private onDownloadStatus(e: DownloadStatusEvent): void {
    const id = downloadProgressId(e);
    const title = this.titles.get(id) ?? `${e.serieFolder} ${episodeLabel(e.season, e.episode)}`;
    if (e.status === 'started' && this.isActive(id)) {
      // A download the last process left running, claimed by the queue: it resumes from the
      // bytes on disk, so its record goes on rather than starting over at 0.
      this.progress.updateProgress(id, { status: 'IN_PROGRESS', message: 'Resuming', forceBroadcast: true });
      return;
    }
    if (e.status === 'started' || !this.isActive(id)) {
      if (e.status !== 'started' && e.status !== 'progress') return;
      this.progress.startProgress(id, 'DOWNLOAD', title, {
        current: e.current,
        total: e.total,
        metadata: { serieFolder: e.serieFolder, season: e.season, episode: e.episode },
      });
      if (e.status === 'started') return;
    }
    switch (e.status) {
      case 'progress':
        if (this.retrying.delete(id)) {
          this.progress.updateProgress(id, { current: e.current, total: e.total, message: null, forceBroadcast: true });
        } else this.progress.updateProgress(id, { current: e.current, total: e.total });
        break;
      case 'retrying': {
        this.retrying.add(id);
        const why = e.error?.startsWith('stalled') ? `Download ${e.error}` : `Attempt failed (${e.error ?? 'unknown error'})`;
        this.progress.updateProgress(id, {
          current: e.current,
          total: e.total,
          message: `${why}; retrying from ${e.current} bytes (attempt ${(e.failures ?? 0) + 1})`,
          metadata: { retries: e.failures ?? 0, lastError: e.error ?? null },
          resetRate: true,
          forceBroadcast: true,
        });
        break;
      }
      case 'completed':
        this.progress.updateProgress(id, { current: e.current, total: e.total });
        this.progress.completeProgress(id, { message: `Saved ${e.filePath}`, metadata: { filePath: e.filePath } });
        void this.markDownloaded(e).catch((err: unknown) => this.logger.error({ err }, 'could not update the library'));
        break;
      case 'failed':
        this.progress.failProgress(id, e.error ?? 'download failed', {
          metadata: { code: e.code ?? null },
          code: e.code ?? 'DOWNLOAD_FAILED',
        });
        break;
      case 'cancelled':
        this.progress.cancelProgress(id, { message: 'Download cancelled' });
        break;
    }
    if (e.status === 'completed' || e.status === 'failed' || e.status === 'cancelled') {
      this.titles.delete(id);
      this.retrying.delete(id);
    }
  }

  private async saveScan(result: ScanResult): Promise<void> {
    const previous = new Map((await this.library.load()).map((s) => [s.folder, s]));
    await this.library.replace(
      result.series.map((s) => ({
        key: s.key,
        name: s.name,
        folder: s.folder,
        // A series the catalog could not answer for keeps what was known of it.
        missingEpisodes: s.error
          ? (previous.get(s.folder)?.missingEpisodes ?? [])
          : s.missingEpisodes.map((m) => ({ season: m.season, episode: m.episode, title: m.title ?? null })),
        error: s.error ?? null,
        autoDownload: previous.get(s.folder)?.autoDownload ?? false,
      })),
    );
  }

  private async markDownloaded(e: EpisodeRef): Promise<void> {
    const series = (await this.library.load()).find((s) => s.folder === e.serieFolder);
    if (!series) return;
    await this.library.put({
      ...series,
      missingEpisodes: series.missingEpisodes.filter((m) => m.season !== e.season || m.episode !== e.episode),
    });
  }

  // ---- the async interface of the web layer ----------------------------------------------

  /** Creates the series folder for a catalog key; the new series lacks every episode. */
  async addSeries(key: string, folder?: string | null): Promise<SeriesRecord> {
    if (!key.trim()) throw new BadInputError('key: must not be empty');
    const remote = this.remote<SeriesRecord>('addSeries', [key, folder ?? null]);
    if (remote) return remote;
    let added;
    try {
      added = await this.app.addSeries(key, folder ?? undefined);
    } catch (err) {
      if (err instanceof CatalogNotFoundError) throw new CatalogNotFoundError(key, await this.keySuggestions(key));
      throw err;
    }
    const record: SeriesRecord = {
      key: added.key,
      name: added.name,
      folder: added.folder,
      // A new folder holds no episode yet: every catalog episode is missing.
      missingEpisodes: allEpisodes(added.catalog),
      error: null,
      autoDownload: false,
    };
    await this.library.put(record);
    return record;
  }

  /** "did you mean …" from the catalog's search for an unknown key; undefined when it has nothing (or fails). */
  private async keySuggestions(key: string): Promise<string | undefined> {
    const query = key.replace(/[-_]+/g, ' ').trim();
    try {
      const hits = await this.catalog.search(query, { signal: AbortSignal.timeout(SUGGESTION_TIMEOUT_MS) });
      if (!hits.length) return undefined;
      const list = hits.slice(0, MAX_KEY_SUGGESTIONS).map((h) => `"${h.key}" (${h.name})`);
      return `did you mean ${list.join(', ')}?`;
    } catch (err) {
      this.logger.debug({ err, key }, 'no catalog search hits for an unknown key');
      return undefined;
    }
  }

  /** Throws what removeSeries would refuse for, before anything is touched. */
  async checkRemovable(folder: string): Promise<void> {
    validateFolderName(folder);
    if (await this.getSeries(folder)) return;
    await this.checkSeriesFolder(folder);
  }

  /**
   * Takes a series out of the library (see SeriesApp.removeSeries); a series the library
   * knows but whose folder is gone is forgotten all the same. Returns it as last known.
   */
  async removeSeries(folder: string, deleteFiles: boolean): Promise<SeriesRecord> {
    validateFolderName(folder);
    const known = await this.getSeries(folder);
    let removed: SeriesRecord;
    try {
      const info = await this.app.removeSeries(folder, { deleteFiles });
      removed = known ?? { key: info.key, name: info.name, folder, missingEpisodes: [], error: null };
    } catch (err) {
      if (!(err instanceof NotASeriesError) || !known) throw await this.withKeyHint(err, folder);
      removed = known;
    }
    await this.library.replace((await this.library.load()).filter((s) => s.folder !== folder));
    return removed;
  }

  /**
   * Checks one series against the catalog and its folder now (as a scan does) and records
   * what it found, so its missing episodes are current without a scan.
   */
  async refreshSeries(folder: string): Promise<SeriesRecord> {
    let result;
    try {
      result = await this.app.checkSeries(folder);
    } catch (err) {
      throw await this.withKeyHint(err, folder);
    }
    const record: SeriesRecord = {
      key: result.key,
      name: result.name,
      folder,
      missingEpisodes: result.missingEpisodes.map((m) => ({ season: m.season, episode: m.episode, title: m.title ?? null })),
      error: null,
    };
    await this.library.put(record);
    return record;
  }

  /**
   * Every series of the library (as the last scan or addSeries saw it) refreshed now; one
   * the catalog cannot answer for keeps what was known of it, one whose folder went is left out.
   */
  async refreshLibrary(): Promise<SeriesRecord[]> {
    const known = await this.library.load();
    const out: (SeriesRecord | null)[] = new Array(known.length).fill(null);
    let next = 0;
    const worker = async () => {
      while (next < known.length) {
        const i = next++;
        const series = known[i]!;
        out[i] = await this.refreshSeries(series.folder).catch((err: unknown) => {
          if (err instanceof NotASeriesError) return null;
          this.logger.warn({ err, folder: series.folder }, 'could not refresh a series; using the last scan');
          return series;
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(REFRESH_CONCURRENCY, known.length) }, worker));
    return out.filter((s): s is SeriesRecord => s !== null);
  }

  /** NOT_A_SERIES for a name that is a catalog key (or a folder in other case) names the folder meant. */
  private async withKeyHint(err: unknown, folder: string): Promise<unknown> {
    if (!(err instanceof NotASeriesError)) return err;
    const lower = folder.toLowerCase();
    const meant = (await this.library.load()).find((s) => s.key === folder || s.folder.toLowerCase() === lower);
    if (!meant || meant.folder === folder) return err;
    const why = meant.key === folder ? `"${folder}" is the catalog key of the series in folder` : 'did you mean folder';
    return new NotASeriesError(folder, `${why} "${meant.folder}"`);
  }

  /** Starts a library scan in the background; returns its progress record at once. */
  async startScan(): Promise<ProgressRecord> {
    const remote = this.remote<ProgressRecord>('startScan', []);
    if (remote) return remote;
    if (this.app.scanning || this.isActive(SCAN_PROGRESS_ID)) {
      throw new ServiceError('SCAN_IN_PROGRESS', 'a library scan is already running (progress id library_scan)');
    }
    const record = this.progress.startProgress(SCAN_PROGRESS_ID, 'SCAN', 'Library scan', {
      message: 'Listing series folders',
    });
    this.app.rescan().catch((err: unknown) => {
      if (!(err instanceof CancelledError)) this.logger.warn({ err }, 'library scan failed');
    });
    return record;
  }

  /** True while a library scan runs. */
  isScanning(): boolean {
    return this.app.scanning || this.isActive(SCAN_PROGRESS_ID);
  }

  /** Cancels the running scan; null when none runs. */
  async cancelScan(): Promise<ProgressRecord | null> {
    const remote = this.remote<ProgressRecord | null>('cancelScan', []);
    if (remote) return remote;
    if (!this.isActive(SCAN_PROGRESS_ID)) return null;
    this.app.cancelScan();
    return this.progress.cancelProgress(SCAN_PROGRESS_ID, { message: 'Scan cancelled' });
  }

  /**
   * Marks a scanned series for automatic download: after each scan its missing episodes are
   * queued. The series must be in the library (added or scanned).
   */
  async setAutoDownload(folder: string, enabled: boolean): Promise<SeriesRecord> {
    const remote = this.remote<SeriesRecord>('setAutoDownload', [folder, enabled]);
    if (remote) return remote;
    const series = await this.getSeries(folder);
    if (!series) {
      await this.checkSeriesFolder(folder); // says what is wrong with the folder, if anything
      throw new ServiceError('NOT_IN_LIBRARY', `"${folder}" has not been scanned yet: run startScan first`);
    }
    const record = { ...series, autoDownload: enabled };
    await this.library.put(record);
    return record;
  }

  /** Asks the catalog's search for series matching `query` (to find a key for addSeries). */
  searchCatalog(query: string): Promise<CatalogSearchHit[]> {
    const q = query.trim();
    if (!q) throw new BadInputError('query: must not be empty');
    if (q.length > MAX_SEARCH_QUERY_LENGTH) {
      throw new BadInputError(`query: at most ${MAX_SEARCH_QUERY_LENGTH} characters, got ${q.length}`);
    }
    return this.catalog.search(q);
  }

  listLibrary(): Promise<SeriesRecord[]> {
    return this.library.load();
  }

  async getSeries(folder: string): Promise<SeriesRecord | null> {
    return (await this.library.load()).find((s) => s.folder === folder) ?? null;
  }

  /** Stops a running scan without finishing its record (this instance stops running the queue). */
  abandonScan(): void {
    if (this.app.scanning) this.app.cancelScan();
  }

  /** The series in `folder`: one path segment below the library holding a series.json. */
  async checkSeriesFolder(folder: string): Promise<{ key: string; name: string }> {
    validateFolderName(folder);
    const info = await readSeriesInfo(resolveInside(this.app.libraryDir, folder));
    if (!info) throw await this.withKeyHint(new NotASeriesError(folder), folder);
    return info;
  }

  /**
   * Checks that an episode can be queued: the folder is one series folder of the library
   * and the catalog has the episode, and (unless `replace`) its file is not in the library
   * already. Throws a typed error saying what is wrong.
   */
  async checkEpisode(
    ref: EpisodeRef,
    lookups = new Map<string, Promise<SeriesLookup>>(),
    options: { replace?: boolean } = {},
  ): Promise<CheckedEpisode> {
    const { serieFolder, season, episode } = ref;
    validateFolderName(serieFolder);
    if (!Number.isInteger(season) || season < 1) throw new BadInputError(`season: must be a positive number, got ${season}`);
    if (!Number.isInteger(episode) || episode < 1) {
      throw new BadInputError(`episode: must be a positive number, got ${episode}`);
    }
    // Many episodes of one series in a request: read its folder and catalog entry once.
    let lookup = lookups.get(serieFolder);
    if (!lookup) {
      lookup = this.checkSeriesFolder(serieFolder).then(async (info) => {
        const [catalog, files] = await Promise.all([this.catalog.getSeries(info.key), this.app.episodeFiles(serieFolder)]);
        return { info, catalog, files };
      });
      lookups.set(serieFolder, lookup);
    }
    const { info, catalog, files } = await lookup;
    const entry = findCatalogEpisode(catalog, season, episode);
    if (!entry) {
      throw new ServiceError(
        'EPISODE_NOT_IN_CATALOG',
        `the catalog has no ${episodeLabel(season, episode)} of "${info.name}" (${info.key})`,
      );
    }
    if (!options.replace && files.has(season, episode)) {
      const file = files.files.find((f) => f.season === season && f.episode === episode)!;
      throw new ServiceError(
        'ALREADY_IN_LIBRARY',
        `${episodeLabel(season, episode)} of "${info.name}" is already in the library (${serieFolder}/${file.relativePath}); ` +
          'enqueue it with replace: true to download it again',
      );
    }
    this.titles.set(downloadProgressId(ref), `${info.name} ${episodeLabel(season, episode)}`);
    return { ...ref, serieName: info.name, size: entry.size ?? null };
  }

  /** Downloads one episode (resuming a part file); progress flows through ProgressService. */
  download(ref: EpisodeRef & { serieName?: string }, signal: AbortSignal): Promise<EpisodeDownloadResult> {
    if (ref.serieName) this.titles.set(downloadProgressId(ref), `${ref.serieName} ${episodeLabel(ref.season, ref.episode)}`);
    return this.app.download(ref, { signal });
  }

  /** Removes what an interrupted download of this episode left on disk. */
  discardPartial(ref: EpisodeRef): Promise<void> {
    return this.app.discardPartial(ref);
  }

  describeError(err: unknown): string {
    return errorMessage(err);
  }
}

function allEpisodes(catalog: CatalogSeries): SeriesRecord['missingEpisodes'] {
  return [...catalog.seasons]
    .sort((a, b) => a.season - b.season)
    .flatMap((s) =>
      [...s.episodes]
        .sort((a, b) => a.episode - b.episode)
        .map((e) => ({ season: s.season, episode: e.episode, title: e.title ?? null })),
    );
}
