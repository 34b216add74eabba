/** The allow-list's edge cases, below the HTTP layer (server.test.ts covers it end to end). */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPathGuard, isInside, realLocation } from './path-guard.js';
import { allowedHosts, isLoopbackHost, isWildcardHost, presentedTokens, sameSecret, urlHost } from './request-guard.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'frost-guard-')));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('isInside', () => {
  it('compares whole path components', () => {
    expect(isInside('/a', '/a')).toBe(true);
    expect(isInside('/a/b/c', '/a')).toBe(true);
    expect(isInside('/a/..b', '/a')).toBe(true); // a name starting with two dots is not `..`
    expect(isInside('/ab', '/a')).toBe(false);
    expect(isInside('/', '/a')).toBe(false);
    expect(isInside('/etc/passwd', '/')).toBe(true);
  });
});

describe('the path guard', () => {
  it('judges a missing path by its nearest existing parent', async () => {
    const root = join(base, 'r1');
    mkdirSync(root);
    expect(await realLocation(join(root, 'no', 'such', 'model.ckpt-5'))).toBe(join(root, 'no', 'such', 'model.ckpt-5'));
    const guard = await createPathGuard([root]);
    expect(guard.roots).toEqual([root]);
    expect(await guard.allows(join(root, 'no', 'such', 'model.ckpt-5'))).toBe(true);
    expect(await guard.allows(join(root, '..', 'r1-sibling'))).toBe(false);
  });

  it('refuses symlink loops, dangling links, NUL bytes and empty paths', async () => {
    const root = join(base, 'r2');
    mkdirSync(root);
    symlinkSync(join(root, 'loop-b'), join(root, 'loop-a'));
    symlinkSync(join(root, 'loop-a'), join(root, 'loop-b'));
    symlinkSync(join(root, 'missing'), join(root, 'dangling'));
    const guard = await createPathGuard([root]);
    expect(await guard.allows(join(root, 'loop-a'))).toBe(false);
    expect(await guard.allows(join(root, 'loop-a', 'x'))).toBe(false);
    expect(await guard.allows(join(root, 'dangling'))).toBe(false);
    expect(await guard.allows(`${root}/ok\0/../../etc`)).toBe(false);
    expect(await guard.allows('')).toBe(false);
  });

  it('follows a symlinked root to where it really is', async () => {
    const real = join(base, 'real-root');
    mkdirSync(real);
    writeFileSync(join(real, 'm.pb'), '');
    symlinkSync(real, join(base, 'linked-root'));
    const guard = await createPathGuard([join(base, 'linked-root')]);
    expect(await guard.allows(join(base, 'linked-root', 'm.pb'))).toBe(true);
    expect(await guard.allows(join(real, 'm.pb'))).toBe(true);
    expect(await guard.allows(base)).toBe(false);
  });

  it('allows several roots', async () => {
    const a = join(base, 'ra');
    const b = join(base, 'rb');
    mkdirSync(a);
    mkdirSync(b);
    const guard = await createPathGuard([a, b]);
    expect(await guard.allows(join(a, 'x'))).toBe(true);
    expect(await guard.allows(join(b, 'x'))).toBe(true);
    expect(await guard.allows(join(base, 'rc'))).toBe(false);
  });
});

describe('request guard helpers', () => {
  it('knows loopback and wildcard hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '192.168.1.2', 'example.com', '::']) expect(isLoopbackHost(h), h).toBe(false);
    expect(isWildcardHost('0.0.0.0')).toBe(true);
    expect(isWildcardHost('::')).toBe(true);
    expect(urlHost('::1')).toBe('[::1]');
  });

  it('lists the Host values a server answers to', () => {
    expect([...allowedHosts('127.0.0.1', 5000)].sort()).toEqual(['127.0.0.1:5000', '[::1]:5000', 'localhost:5000']);
    expect([...allowedHosts('192.168.1.2', 5000)]).toEqual(['192.168.1.2:5000']);
    expect(allowedHosts('127.0.0.1', 80).has('localhost')).toBe(true);
    const wild = allowedHosts('0.0.0.0', 5000);
    expect(wild.has('127.0.0.1:5000')).toBe(true);
    expect(wild.has('evil.example:5000')).toBe(false);
  });

  it('reads tokens from Authorization: Bearer and X-Frost-Token only', () => {
    expect(presentedTokens({ authorization: 'Bearer abc' })).toEqual(['abc']);
    expect(presentedTokens({ authorization: 'bearer  abc ' })).toEqual(['abc']);
    expect(presentedTokens({ authorization: 'Basic abc' })).toEqual([]);
    expect(presentedTokens({ 'x-frost-token': 'xyz' })).toEqual(['xyz']);
    expect(presentedTokens({})).toEqual([]);
    expect(sameSecret('a', 'a')).toBe(true);
    expect(sameSecret('a', 'ab')).toBe(false);
  });
});
