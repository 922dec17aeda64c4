import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSeriesFolder,
  episodeFileName,
  findEpisodeFiles,
  listSeriesFolders,
  parseEpisodeFileName,
  resolveInside,
  sanitizeName,
  validateFolderName,
} from '../../src/core/library.js';
import { CoreError } from '../../src/core/errors.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'core-library-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function touch(rel: string, content = '') {
  const file = path.join(root, rel);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
}

describe('parseEpisodeFileName', () => {
  it.each([
    ['Naruto - S01E01 - Enter Naruto Uzumaki!.mp4', 1, 1],
    ['show.s1e2.mkv', 1, 2],
    ['S001E0002.avi', 1, 2],
    ['x S10E100.WEBM', 10, 100],
    ['a_s00e05_b.m4v', 0, 5],
    ['S2E3.mov', 2, 3],
    ['S02E03.ts', 2, 3],
  ])('%s → S%iE%i', (name, season, episode) => {
    expect(parseEpisodeFileName(name)).toEqual({ season, episode });
  });

  it.each(['S01E01.srt', 'S01E01.mp4.part', 'Naruto 01.mp4', 'S01.mp4', 'readme.txt', 'S01E01'])('ignores %s', (name) => {
    expect(parseEpisodeFileName(name)).toBeNull();
  });
});

describe('listSeriesFolders', () => {
  it('lists folders with a valid series.json and ignores everything else', async () => {
    await touch('Naruto/series.json', JSON.stringify({ key: 'naruto', name: 'Naruto' }));
    await touch('Bebop/series.json', JSON.stringify({ key: 'cowboy-bebop', name: 'Cowboy Bebop', extra: 1 }));
    await touch('NoJson/S01E01.mp4');
    await touch('Broken/series.json', '{not json');
    await touch('WrongShape/series.json', JSON.stringify({ key: 'x' }));
    await touch('EmptyKey/series.json', JSON.stringify({ key: '', name: 'x' }));
    await touch('file.json', JSON.stringify({ key: 'f', name: 'F' }));
    await touch('Deep/inner/series.json', JSON.stringify({ key: 'deep', name: 'Deep' }));
    // Names the service refuses (not portable) are not series either.
    await touch('.hidden/series.json', JSON.stringify({ key: 'h', name: 'H' }));
    await touch('con/series.json', JSON.stringify({ key: 'c', name: 'C' }));
    await touch('Nar\u200Buto/series.json', JSON.stringify({ key: 'z', name: 'Z' }));

    const found = await listSeriesFolders(root);
    expect(found.map(({ folder, key, name }) => ({ folder, key, name }))).toEqual([
      { folder: 'Bebop', key: 'cowboy-bebop', name: 'Cowboy Bebop' },
      { folder: 'Naruto', key: 'naruto', name: 'Naruto' },
    ]);
    expect(found[0]!.path).toBe(path.join(root, 'Bebop'));
  });

  it('treats a missing library as empty', async () => {
    expect(await listSeriesFolders(path.join(root, 'nope'))).toEqual([]);
  });

  it('does not follow a symlinked series folder out of the library', async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), 'core-outside-'));
    try {
      await writeFile(path.join(outside, 'series.json'), JSON.stringify({ key: 'o', name: 'O' }));
      await symlink(outside, path.join(root, 'Linked'));
      expect(await listSeriesFolders(root)).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe('findEpisodeFiles', () => {
  it('finds episodes at any depth, in any naming variant, and nothing else', async () => {
    await touch('S/series.json', '{}');
    await touch('S/Naruto - S01E01 - Enter.mp4');
    await touch('S/Season 01/naruto.s1e2.MKV');
    await touch('S/Season 02/extras/deeper/S002E0010.avi');
    await touch('S/Season 02/S02E11.nfo');
    await touch('S/Season 02/.Naruto - S02E12.mp4.part');
    await touch('S/cover.jpg');
    await touch('S/Naruto 03.mp4');

    const { files, has } = await findEpisodeFiles(path.join(root, 'S'));
    expect(files).toEqual([
      { season: 1, episode: 1, relativePath: 'Naruto - S01E01 - Enter.mp4' },
      { season: 1, episode: 2, relativePath: 'Season 01/naruto.s1e2.MKV' },
      { season: 2, episode: 10, relativePath: 'Season 02/extras/deeper/S002E0010.avi' },
    ]);
    expect(has(1, 2)).toBe(true);
    expect(has(2, 10)).toBe(true);
    expect(has(2, 11)).toBe(false);
    expect(has(2, 12)).toBe(false);
  });
});

describe('folder names and paths', () => {
  it.each([
    ['', 'empty'],
    ['.', 'relative'],
    ['..', 'relative'],
    ['../x', 'separator'],
    ['a/b', 'separator'],
    ['a\\b', 'separator'],
    ['a\u0000b', 'control'],
    [' padded', 'whitespace'],
    ['x'.repeat(201), 'longer'],
    // Portable names (the contract's "Safety limits"):
    ['...', 'dot'],
    ['.hidden', 'dot'],
    ['con', 'reserved'],
    ['NUL', 'reserved'],
    ['aux.txt', 'reserved'],
    ['Com1.tar.gz', 'reserved'],
    ['lpt9', 'reserved'],
    ['a\u0085b', 'control'],
    ['evil\u202Egnp.exe', 'bidirectional'],
    ['a\u2067b', 'bidirectional'],
    ['Nar\u200Buto', 'zero-width'],
    ['Naruto\uFEFF', 'zero-width'],
  ])('rejects %j', (name, reason) => {
    let caught: unknown;
    try {
      validateFolderName(name);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CoreError);
    expect((caught as CoreError).code).toBe('INVALID_FOLDER');
    expect((caught as Error).message).toContain(reason);
  });

  it('accepts ordinary names', () => {
    expect(() => validateFolderName('Fullmetal Alchemist - Brotherhood (2009)')).not.toThrow();
    for (const name of ['Re:Zero', 'Console', 'con-artist', 'auxiliary.txt', 'com10', 'Naruto...', 'Frieren 葬送のフリーレン', 'a.b']) {
      expect(() => validateFolderName(name), name).not.toThrow();
    }
  });

  it('sanitizes series names into one safe segment', () => {
    expect(sanitizeName('Fate/stay night')).toBe('Fate stay night');
    expect(sanitizeName('Re:Zero? <Start>')).toBe('Re Zero Start');
    expect(sanitizeName('..')).toBe('Untitled');
    expect(sanitizeName('../../etc', 'k')).toBe('etc');
    expect(sanitizeName('///', 'my-key')).toBe('my-key');
    expect(sanitizeName('Con')).toBe('Con_');
    expect(sanitizeName('aux.txt')).toBe('aux_.txt');
    expect(sanitizeName('Nar\u200Buto\u202E')).toBe('Naruto');
    for (const n of ['a/b', '..\\..', 'x\u0000y', 'nul', '.hidden', 'x\u0085\u2066y']) {
      expect(() => validateFolderName(sanitizeName(n)), n).not.toThrow();
    }
  });

  it('names episode files per the contract', () => {
    expect(episodeFileName('Naruto', 1, 1, 'mp4')).toBe('Season 01/Naruto - S01E01.mp4');
    expect(episodeFileName('One Piece', 1, 1000, '.MKV')).toBe('Season 01/One Piece - S01E1000.mkv');
    expect(episodeFileName('Fate/Zero', 12, 3, 'weird ext!')).toBe('Season 12/Fate Zero - S12E03.mp4');
  });

  it('refuses paths outside the root', () => {
    expect(resolveInside(root, 'a', 'b')).toBe(path.join(root, 'a', 'b'));
    expect(() => resolveInside(root, '..', 'x')).toThrow(/outside the library/);
    expect(() => resolveInside(root, '/etc/passwd')).toThrow(/outside the library/);
    expect(() => resolveInside(root, '.')).toThrow(/outside the library/);
  });
});

describe('createSeriesFolder', () => {
  it('creates the folder with series.json and refuses an existing one', async () => {
    const created = await createSeriesFolder(root, 'Naruto', { key: 'naruto', name: 'Naruto' });
    expect(created.path).toBe(path.join(root, 'Naruto'));
    expect(JSON.parse(await readFile(path.join(root, 'Naruto', 'series.json'), 'utf8'))).toEqual({ key: 'naruto', name: 'Naruto' });
    expect(await readdir(path.join(root, 'Naruto'))).toEqual(['series.json']);
    await expect(createSeriesFolder(root, 'Naruto', { key: 'n2', name: 'N2' })).rejects.toMatchObject({ code: 'FOLDER_EXISTS' });
    await expect(createSeriesFolder(root, '../evil', { key: 'e', name: 'E' })).rejects.toMatchObject({ code: 'INVALID_FOLDER' });
    expect(await readdir(root)).toEqual(['Naruto']);
  });
});
