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
