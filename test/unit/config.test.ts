import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, MAX_API_TOKEN_LENGTH } from '../../src/config.js';
import { thrownBy } from '../helpers/wait.js';

describe('loadConfig: ALLOWED_ORIGINS, ALLOWED_HOSTS, API_TOKEN', () => {
  it('reads comma-separated lists, normalized, empty entries ignored', () => {
    const config = loadConfig({
      ALLOWED_ORIGINS: ' https://Anime.Example.com , http://localhost:5173/ ,',
      ALLOWED_HOSTS: 'Anime.Example.com, proxy.lan:8080',
    });
    expect(config.allowedOrigins).toEqual(['https://anime.example.com', 'http://localhost:5173']);
    expect(config.allowedHosts).toEqual(['anime.example.com', 'proxy.lan:8080']);
  });

  it('defaults to none', () => {
    const config = loadConfig({});
    expect(config.allowedOrigins).toEqual([]);
    expect(config.allowedHosts).toEqual([]);
  });

  it.each([
    ['ALLOWED_ORIGINS', 'anime.example.com', /ALLOWED_ORIGINS.*"anime\.example\.com"/],
    ['ALLOWED_ORIGINS', 'https://anime.example.com/app', /ALLOWED_ORIGINS/],
    ['ALLOWED_ORIGINS', '*', /ALLOWED_ORIGINS/],
    ['ALLOWED_HOSTS', 'http://anime.example.com', /ALLOWED_HOSTS/],
    ['API_TOKEN', 'x'.repeat(MAX_API_TOKEN_LENGTH + 1), /API_TOKEN must be at most/],
  ])('refuses %s=%j, saying why', (name, value, message) => {
    const err = thrownBy(() => loadConfig({ [name]: value }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
  });
});

describe('loadConfig: CATALOG_URL, REDIS_URL', () => {
  it('reads them (the catalog without trailing slashes), null when unset or blank', () => {
    const config = loadConfig({ CATALOG_URL: ' http://catalog.local:8080/api// ', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(config.catalogUrl).toBe('http://catalog.local:8080/api');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(loadConfig({ CATALOG_URL: ' ', REDIS_URL: '' })).toMatchObject({ catalogUrl: null, redisUrl: null });
  });

  it.each([
    ['CATALOG_URL', 'ftp://catalog.local', /CATALOG_URL must be an http\(s\) URL, got "ftp:\/\/catalog\.local"/],
    ['CATALOG_URL', 'not a url', /CATALOG_URL must be an http\(s\) URL/],
    ['REDIS_URL', 'http://127.0.0.1:6379', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
  ])('refuses %s=%j, saying why', (name, value, message) => {
    const err = thrownBy(() => loadConfig({ [name]: value }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
  });
});
