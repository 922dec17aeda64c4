import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, realpath, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { FolderExistsError, InvalidFolderError, PathOutsideLibraryError } from './errors.js';

/** The file that makes a folder a series. */
export const SERIES_FILE = 'series.json';
/** Extensions (lower case, with dot) of files the scanner counts as episodes. */
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set(['.mp4', '.mkv', '.avi', '.webm', '.m4v', '.mov', '.ts']);
/** Most file systems cap a path segment at 255 bytes; leave room for prefixes and suffixes. */
export const MAX_FOLDER_NAME_BYTES = 200;
/** Guards against pathological trees; real libraries nest a few levels at most. */
export const MAX_SCAN_DEPTH = 16;
/** series.json is tiny; refuse to read a huge file someone dropped there. */
export const MAX_SERIES_FILE_BYTES = 64 * 1024;

const EPISODE_PATTERN = /s(\d+)e(\d+)/i;

const seriesInfoSchema = z.object({ key: z.string().min(1), name: z.string().min(1) });

export interface SeriesInfo {
  key: string;
  name: string;
}

export interface SeriesFolder extends SeriesInfo {
  /** Folder name directly below the library root. */
  folder: string;
  /** Absolute path of the folder. */
  path: string;
}

export interface EpisodeFile {
  season: number;
  episode: number;
  /** Relative to the series folder, `/`-separated. */
  relativePath: string;
}

export interface EpisodeFiles {
  files: EpisodeFile[];
  has(season: number, episode: number): boolean;
}

export function episodeKey(season: number, episode: number): string {
  return `${season}x${episode}`;
}

/** Season and episode from a file name holding `SxxEyy`, or null. */
export function parseEpisodeFileName(fileName: string): { season: number; episode: number } | null {
  if (!VIDEO_EXTENSIONS.has(path.extname(fileName).toLowerCase())) return null;
  const m = EPISODE_PATTERN.exec(fileName);
  if (!m) return null;
  const season = Number(m[1]);
  const episode = Number(m[2]);
  if (!Number.isSafeInteger(season) || !Number.isSafeInteger(episode)) return null;
  return { season, episode };
}

/**
 * Reads and validates `<seriesDir>/series.json`; null when the folder is not a series.
 * A symlinked series folder is not a series: it could lead outside the library.
 */
export async function readSeriesInfo(seriesDir: string): Promise<SeriesInfo | null> {
  try {
    if (!(await lstat(seriesDir)).isDirectory()) return null;
    const file = path.join(seriesDir, SERIES_FILE);
    const st = await lstat(file);
    if (!st.isFile() || st.size > MAX_SERIES_FILE_BYTES) return null;
    const parsed = seriesInfoSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? { key: parsed.data.key, name: parsed.data.name } : null;
  } catch {
    return null;
  }
}

/**
 * The series folders directly below the library root, sorted by folder name. A missing root is
 * an empty library. A folder whose name the service would refuse (see validateFolderName: a
 * hidden `.folder`, `con`, invisible characters…) is not a series: nothing could be downloaded
 * into it, and it would fail every request that touches the whole library.
 */
export async function listSeriesFolders(libraryDir: string): Promise<SeriesFolder[]> {
  const root = path.resolve(libraryDir);
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const found = await Promise.all(
    entries
      .filter((e) => e.isDirectory() && isValidFolderName(e.name))
      .map(async (e) => {
        const dir = path.join(root, e.name);
        const info = await readSeriesInfo(dir);
        return info ? { ...info, folder: e.name, path: dir } : null;
      }),
  );
  return found
    .filter((f): f is SeriesFolder => f !== null)
    .sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
}

/** Episode files at any depth below a series folder. Symlinked directories are not followed. */
export async function findEpisodeFiles(seriesDir: string): Promise<EpisodeFiles> {
  const files: EpisodeFile[] = [];
  const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (depth < MAX_SCAN_DEPTH) await walk(path.join(dir, e.name), relPath, depth + 1);
      } else if (e.isFile() || e.isSymbolicLink()) {
        const parsed = parseEpisodeFileName(e.name);
        if (parsed) files.push({ ...parsed, relativePath: relPath });
      }
    }
  };
  await walk(seriesDir, '', 0);
  files.sort((a, b) => a.season - b.season || a.episode - b.episode || a.relativePath.localeCompare(b.relativePath));
  const keys = new Set(files.map((f) => episodeKey(f.season, f.episode)));
  return { files, has: (season, episode) => keys.has(episodeKey(season, episode)) };
}

/** C0 and C1 control characters. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
/**
 * Characters that change how the text around them is shown without being seen themselves:
 * bidirectional marks, embeddings, overrides and isolates (a name can display as another, e.g.
 * "evil\u202Evkm.exe"), and zero-width or invisible characters (two names that look the same).
 */
const INVISIBLE_CHARACTERS = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/;
/**
 * Windows' reserved device names, alone or with any extension (`con`, `NUL`, `aux.txt`,
 * `com1.tar.gz`): such a folder cannot be opened there, e.g. on a library shared over SMB.
 */
const RESERVED_DEVICE_NAME = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$)\s*(\..*)?$/i;

/**
 * Checks that `name` is one harmless, portable path segment: not empty, no separators, no
 * control, bidirectional or zero-width characters, no leading dot (hidden, or `.`, `..`,
 * `...`), no reserved device name, not too long.
 * @throws InvalidFolderError
 */
export function validateFolderName(name: string): void {
  const fail = (reason: string): never => {
    throw new InvalidFolderError(name, reason);
  };
  if (typeof name !== 'string' || name.length === 0) fail('it is empty');
  if (name === '.' || name === '..') fail('it is a relative path reference');
  if (/[/\\]/.test(name)) fail('it contains a path separator');
  if (CONTROL_CHARACTERS.test(name)) fail('it contains control characters');
  if (INVISIBLE_CHARACTERS.test(name)) fail('it contains bidirectional-override or zero-width (invisible) characters');
  if (name.trim() !== name) fail('it starts or ends with whitespace');
  if (name.startsWith('.')) fail('it starts with a dot (a hidden folder, or a relative path reference)');
  if (RESERVED_DEVICE_NAME.test(name)) fail('it is a reserved device name on Windows (con, prn, aux, nul, com1…, lpt1…)');
  if (Buffer.byteLength(name) > MAX_FOLDER_NAME_BYTES) fail(`it is longer than ${MAX_FOLDER_NAME_BYTES} bytes`);
}

/** {@link validateFolderName} as a predicate. */
export function isValidFolderName(name: string): boolean {
  try {
    validateFolderName(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Turns a series name into something safe as a single path segment on any
 * common file system: separators and characters Windows forbids become spaces.
 * Never returns '', '.' or '..' (falls back to `fallback`).
 */
export function sanitizeName(name: string, fallback = 'Untitled'): string {
  return cleanSegment(name) || cleanSegment(fallback) || 'Untitled';
}

function cleanSegment(name: string): string {
  let s = name
    // eslint-disable-next-line no-control-regex
    .replace(/[/\\:*?"<>|\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(new RegExp(INVISIBLE_CHARACTERS.source, 'g'), '')
    .replace(/\s+/g, ' ')
    // Leading dots would hide the folder or make '..'; trailing dots and spaces upset Windows shares.
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (Buffer.byteLength(s) > MAX_FOLDER_NAME_BYTES) {
    const chars = [...s];
    while (Buffer.byteLength(chars.join('')) > MAX_FOLDER_NAME_BYTES) chars.pop();
    s = chars.join('').trimEnd();
  }
  // "Con" the series gets "Con_" the folder ("aux.txt": "aux_.txt"): recognisable and portable.
  if (RESERVED_DEVICE_NAME.test(s)) s = s.replace(/^[^.\s]+/, (base) => `${base}_`);
  return s;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Where a downloaded episode lands, relative to the series folder, `/`-separated:
 * `Season NN/<Name> - SNNEMM.<ext>`. `ext` may carry a leading dot; anything that
 * is not a plain short extension becomes `mp4`.
 */
export function episodeFileName(name: string, season: number, episode: number, ext = 'mp4'): string {
  let e = ext.replace(/^\./, '').toLowerCase();
  if (!/^[a-z0-9]{1,8}$/.test(e)) e = 'mp4';
  return `Season ${pad(season)}/${sanitizeName(name)} - S${pad(season)}E${pad(episode)}.${e}`;
}

/**
 * Resolves `segments` below `root` and refuses anything that lands outside it.
 * @throws PathOutsideLibraryError
 */
export function resolveInside(root: string, ...segments: string[]): string {
  const base = path.resolve(root);
  const target = path.resolve(base, ...segments);
  const rel = path.relative(base, target);
  if (rel === '' || isOutside(rel)) throw new PathOutsideLibraryError(target);
  return target;
}

/**
 * Like {@link resolveInside} but for an existing path, following symlinks: a
 * symlink inside the library that leads out of it is refused.
 */
export async function assertRealPathInside(root: string, target: string): Promise<void> {
  const [realRoot, realTarget] = await Promise.all([realpath(root), realpath(target)]);
  const rel = path.relative(realRoot, realTarget);
  if (rel === '' || isOutside(rel)) throw new PathOutsideLibraryError(target);
}

/** Whether a path relative to the root leads out of it (`..`, `../x`), not merely starts with dots (`...x`). */
function isOutside(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
}

/**
 * Writes a file atomically: a temp file in the same folder, fsync, rename.
 * Readers never see a half-written file.
 */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Creates `<libraryDir>/<folder>` with its series.json.
 * @throws InvalidFolderError, FolderExistsError
 */
export async function createSeriesFolder(libraryDir: string, folder: string, info: SeriesInfo): Promise<SeriesFolder> {
  validateFolderName(folder);
  await mkdir(libraryDir, { recursive: true });
  const dir = resolveInside(libraryDir, folder);
  try {
    // Not recursive: EEXIST is how we refuse an existing folder without a check-then-act race.
    await mkdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new FolderExistsError(folder);
    throw err;
  }
  try {
    await writeFileAtomic(path.join(dir, SERIES_FILE), JSON.stringify({ key: info.key, name: info.name }, null, 2) + '\n');
  } catch (err) {
    await rmdir(dir).catch(() => {});
    throw err;
  }
  return { key: info.key, name: info.name, folder, path: dir };
}
