/**
 * Typed errors of the core. Every error the core throws on purpose extends
 * {@link CoreError}, so the web layer can map `code` to `extensions.code`
 * without knowing the classes.
 */

export type CoreErrorCode =
  | 'CATALOG_NOT_FOUND'
  | 'CATALOG_UNAVAILABLE'
  | 'CATALOG_INVALID_RESPONSE'
  | 'SCAN_IN_PROGRESS'
  | 'NOT_A_SERIES'
  | 'INVALID_FOLDER'
  | 'FOLDER_EXISTS'
  | 'PATH_OUTSIDE_LIBRARY'
  | 'EPISODE_NOT_IN_CATALOG'
  | 'DOWNLOAD_IN_PROGRESS'
  | 'DOWNLOAD_FAILED'
  | 'CANCELLED';

export class CoreError extends Error {
  readonly code: CoreErrorCode;

  constructor(code: CoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class CatalogNotFoundError extends CoreError {
  /** @param hint appended to the message, e.g. the catalog's search hits for the key */
  constructor(readonly key: string, hint?: string) {
    super('CATALOG_NOT_FOUND', `catalog has no series with key ${JSON.stringify(key)}${hint ? `; ${hint}` : ''}`);
  }
}

/** The catalog could not be reached, or kept failing after the retries. */
export class CatalogUnavailableError extends CoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CATALOG_UNAVAILABLE', message, options);
  }
}

export class CatalogInvalidResponseError extends CoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CATALOG_INVALID_RESPONSE', message, options);
  }
}

export class ScanInProgressError extends CoreError {
  constructor() {
    super('SCAN_IN_PROGRESS', 'a library scan is already running');
  }
}

export class NotASeriesError extends CoreError {
  /** @param hint appended to the message, e.g. which folder holds a key given as a folder */
  constructor(readonly folder: string, hint?: string) {
    super('NOT_A_SERIES', `folder ${JSON.stringify(folder)} is not a series (no valid series.json)${hint ? `: ${hint}` : ''}`);
  }
}

export class InvalidFolderError extends CoreError {
  constructor(readonly folder: string, reason: string) {
    super('INVALID_FOLDER', `invalid folder name ${JSON.stringify(folder)}: ${reason}`);
  }
}

export class FolderExistsError extends CoreError {
  constructor(readonly folder: string) {
    super('FOLDER_EXISTS', `folder ${JSON.stringify(folder)} already exists in the library`);
  }
}

export class PathOutsideLibraryError extends CoreError {
  constructor(readonly target: string) {
    super('PATH_OUTSIDE_LIBRARY', `refusing to touch ${JSON.stringify(target)}: it is outside the library`);
  }
}

export class EpisodeNotInCatalogError extends CoreError {
  constructor(readonly key: string, readonly season: number, readonly episode: number) {
    super(
      'EPISODE_NOT_IN_CATALOG',
      `catalog series ${JSON.stringify(key)} has no season ${season} episode ${episode}`,
    );
  }
}

export class DownloadInProgressError extends CoreError {
  constructor(readonly serieFolder: string, readonly season: number, readonly episode: number) {
    super(
      'DOWNLOAD_IN_PROGRESS',
      `season ${season} episode ${episode} of ${JSON.stringify(serieFolder)} is already being downloaded`,
    );
  }
}

export class DownloadFailedError extends CoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DOWNLOAD_FAILED', message, options);
  }
}

/** An operation stopped because its AbortSignal fired. */
export class CancelledError extends CoreError {
  constructor(message = 'cancelled') {
    super('CANCELLED', message);
  }
}

export class DownloadCancelledError extends CancelledError {
  constructor() {
    super('download cancelled');
  }
}

export class ScanCancelledError extends CancelledError {
  constructor() {
    super('library scan cancelled');
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Abort reason for a download stopped because the service is going down: the part file
 * stays, and the next start resumes from it. Any other abort is a cancel.
 */
export class DownloadInterruptedError extends CoreError {
  constructor(message = 'download interrupted: the service is stopping; it resumes at the next start') {
    super('CANCELLED', message);
  }
}

/** Abort reason for a download the user paused: like an interruption, the part file stays. */
export class DownloadPausedError extends DownloadInterruptedError {
  constructor() {
    super('download paused: the part file stays and the download resumes from it');
  }
}
