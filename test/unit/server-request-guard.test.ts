import { describe, expect, it } from 'vitest';
import { bearerToken, createTokenCheck, MAX_CREDENTIAL_LENGTH } from '../../src/server/auth.js';
import { createRequestGuard, normalizeHost } from '../../src/server/request-guard.js';

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER \t abc  ', 'abc'],
    ['  Bearer abc', 'abc'],
  ])('%j -> %j', (value, token) => expect(bearerToken(value)).toBe(token));

  it.each([
    ['no scheme', 'abc'],
    ['no separator', 'Bearerabc'],
    ['no token', 'Bearer   '],
    ['another scheme', 'Basic abc'],
    ['a line break in the token', 'Bearer a\nb'],
    ['a non-string', 42],
    ['longer than 1 KiB, even if well-formed', `Bearer ${'a'.repeat(MAX_CREDENTIAL_LENGTH)}`],
  ])('refuses %s', (_name, value) => expect(bearerToken(value)).toBeNull());

  it('the check compares the token, case-sensitively', () => {
    const check = createTokenCheck('Secret');
    expect(check('Bearer Secret')).toBe(true);
    expect(check('Bearer secret')).toBe(false);
    expect(check(`Bearer${' '.repeat(200_000)}a\nb`)).toBe(false);
  });
});

describe('request guard', () => {
  const loopback = createRequestGuard({ loopback: true, allowedOrigins: ['https://app.example'], allowedHosts: ['proxy.example', 'fixed.example:8443'] });

  it.each([
    ['no Origin, loopback Host', { host: '127.0.0.1:4000' }],
    ['no Host at all (not a browser)', {}],
    ['localhost without port', { host: 'localhost' }],
    ['[::1] with port', { host: '[::1]:4000' }],
    ['the own origin', { host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000' }],
    ['the own origin on the default port', { host: 'localhost:80', origin: 'http://localhost' }],
    ['an allowed origin', { host: '127.0.0.1:4000', origin: 'https://app.example' }],
    ['an allowed host, any port', { host: 'proxy.example:1234', origin: 'http://proxy.example:1234' }],
    ['an allowed host:port', { host: 'fixed.example:8443' }],
  ])('passes %s', (_name, headers) => expect(loopback(headers)).toBeNull());

  it.each([
    ['a foreign origin', { host: '127.0.0.1:4000', origin: 'http://evil.example' }, /origin/],
    ['origin "null"', { host: '127.0.0.1:4000', origin: 'null' }, /origin/],
    ['a loopback origin on another port', { host: '127.0.0.1:4000', origin: 'http://127.0.0.1:5000' }, /origin/],
    ['a rebinding name', { host: 'evil.example:4000', origin: 'http://evil.example:4000' }, /Host/],
    ['an allowed host on another port', { host: 'fixed.example:9000' }, /Host/],
    ['a malformed Host', { host: 'a b' }, /Host/],
  ])('refuses %s', (_name, headers, reason) => expect(loopback(headers)).toMatch(reason));

  it('does not check Host when not bound to loopback', () => {
    const open = createRequestGuard({ loopback: false });
    expect(open({ host: 'myserver.lan:4000' })).toBeNull();
    expect(open({ host: 'myserver.lan:4000', origin: 'http://myserver.lan:4000' })).toBeNull();
    expect(open({ host: 'myserver.lan:4000', origin: 'http://evil.example' })).toMatch(/origin/);
  });

  it('normalizes hosts as URL does', () => {
    expect(normalizeHost('LocalHost:80')).toBe('localhost');
    expect(normalizeHost('[::1]:4000')).toBe('[::1]:4000');
    expect(normalizeHost('a/b')).toBeNull();
    expect(normalizeHost('')).toBeNull();
  });
});
