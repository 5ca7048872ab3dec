import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBundleCache, type Builder } from '../../sandbox/lambda/bundle-cache';

let work: string;
let builds: number;
let source: string;
/** A stand-in for esbuild: concatenates the sources it was given and reports them as its inputs. */
const builder: Builder = async (entries, outdir) => {
  builds++;
  for (const [name, path] of Object.entries(entries)) writeFileSync(join(outdir, `${name}.mjs`), readFileSync(path, 'utf8'));
  return Object.values(entries);
};

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'bundle-cache-'));
  source = join(work, 'handler.ts');
  writeFileSync(source, 'export const v = 1;');
  builds = 0;
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const bundled = (folder: string) => readFileSync(join(folder, 'fn.mjs'), 'utf8');

describe('the sandbox Lambda bundle cache', () => {
  it('builds once and serves the same build while its inputs are unchanged, across cache instances', async () => {
    const first = await createBundleCache(join(work, 'cache'), builder).folderFor({ fn: source }, {});
    const second = await createBundleCache(join(work, 'cache'), builder).folderFor({ fn: source }, {});
    expect(second).toBe(first);
    expect(builds).toBe(1);
    expect(bundled(second)).toBe('export const v = 1;');
  });

  it('rebuilds when an input it read changes or disappears', async () => {
    const cache = createBundleCache(join(work, 'cache'), builder);
    await cache.folderFor({ fn: source }, {});
    writeFileSync(source, 'export const v = 2;');
    expect(bundled(await cache.folderFor({ fn: source }, {}))).toBe('export const v = 2;');
    expect(builds).toBe(2);
    unlinkSync(source);
    await expect(cache.folderFor({ fn: source }, {})).rejects.toThrow(/ENOENT/);
    expect(builds).toBe(3);
  });

  it('keeps builds with other options or entries apart', async () => {
    const cache = createBundleCache(join(work, 'cache'), builder);
    const a = await cache.folderFor({ fn: source }, { minify: true });
    const b = await cache.folderFor({ fn: source }, { minify: false });
    expect(b).not.toBe(a);
    expect(builds).toBe(2);
  });

  it('shares one build among concurrent callers', async () => {
    const cache = createBundleCache(join(work, 'cache'), builder);
    const folders = await Promise.all([1, 2, 3].map(() => cache.folderFor({ fn: source }, {})));
    expect(new Set(folders).size).toBe(1);
    expect(builds).toBe(1);
  });

  it('keeps no half-written folder when a build fails, and builds again next time', async () => {
    let fail = true;
    const flaky: Builder = async (entries, outdir) => {
      if (fail) throw new Error('Build failed with 1 error');
      return builder(entries, outdir);
    };
    const cache = createBundleCache(join(work, 'cache'), flaky);
    await expect(cache.folderFor({ fn: source }, {})).rejects.toThrow('Build failed');
    fail = false;
    expect(bundled(await cache.folderFor({ fn: source }, {}))).toBe('export const v = 1;');
    expect(builds).toBe(1);
  });
});
