import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBundleCache, InputsChangedDuringBuild, type Builder } from '../../../../sandbox/app/lambda/bundle-cache';
import { resolutionFingerprint } from '../../../../sandbox/app/lambda/bundle';

let work: string;
let builds: number;
let source: string;
/** A stand-in for esbuild: concatenates the sources it was given and reports them as its inputs. */
const builder: Builder = async (entries, outdir) => {
  builds++;
  for (const [name, path] of Object.entries(entries)) writeFileSync(join(outdir, `${name}.mjs`), readFileSync(path, 'utf8'));
  return Object.values(entries);
};

/** Writes a source saved a minute ago (a save during a build is a separate case, below). */
function save(path: string, text: string): void {
  writeFileSync(path, text);
  const aMinuteAgo = new Date(Date.now() - 60_000);
  utimesSync(path, aMinuteAgo, aMinuteAgo);
}

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'bundle-cache-'));
  source = join(work, 'handler.ts');
  save(source, 'export const v = 1;');
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
    save(source, 'export const v = 2;');
    expect(bundled(await cache.folderFor({ fn: source }, {}))).toBe('export const v = 2;');
    expect(builds).toBe(2);
    unlinkSync(source);
    await expect(cache.folderFor({ fn: source }, {})).rejects.toThrow(/ENOENT/);
    expect(builds).toBe(3);
  });

  it('does not keep a build during which an input was saved: the bundle may hold the older text', async () => {
    const racing: Builder = async (entries, outdir) => {
      const result = await builder(entries, outdir);
      writeFileSync(source, 'export const v = 2;');
      return result;
    };
    const cache = createBundleCache(join(work, 'cache'), racing);
    await expect(cache.folderFor({ fn: source }, {})).rejects.toThrow(InputsChangedDuringBuild);
    save(source, 'export const v = 2;');
    expect(bundled(await createBundleCache(join(work, 'cache'), builder).folderFor({ fn: source }, {}))).toBe('export const v = 2;');
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

  it('removes builds unused for a week when it builds another, and keeps those used since', async () => {
    const cache = createBundleCache(join(work, 'cache'), builder);
    const old = await cache.folderFor({ fn: source }, { version: 1 });
    const recent = await cache.folderFor({ fn: source }, { version: 2 });
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3_600_000);
    for (const folder of [old, recent]) utimesSync(join(folder, 'inputs.json'), eightDaysAgo, eightDaysAgo);
    await cache.folderFor({ fn: source }, { version: 2 });
    const fresh = await cache.folderFor({ fn: source }, { version: 3 });
    expect(readdirSync(join(work, 'cache')).sort()).toEqual([recent, fresh].map((f) => f.split('/').pop()).sort());
  });

  it('keeps no half-written folder when a build fails, and builds again next time', async () => {
    let fail = true;
    const flaky: Builder = async (entries, outdir) => {
      if (fail) throw new Error('Build failed with 1 error');
      return builder(entries, outdir);
    };
    const cache = createBundleCache(join(work, 'cache'), flaky);
    await expect(cache.folderFor({ fn: source }, {})).rejects.toThrow('Build failed');
    expect(readdirSync(join(work, 'cache'))).toEqual([]);
    fail = false;
    const folder = await cache.folderFor({ fn: source }, {});
    expect(bundled(folder)).toBe('export const v = 1;');
    expect(readdirSync(join(work, 'cache'))).toHaveLength(1);
    expect(builds).toBe(1);
  });
});

describe('what decides resolution besides the files a build read', () => {
  it('changes when a file appears under functions/ (it may shadow another) or the TypeScript configuration changes', () => {
    mkdirSync(join(work, 'functions', 'shared', 'util'), { recursive: true });
    writeFileSync(join(work, 'functions', 'shared', 'util', 'index.ts'), '');
    writeFileSync(join(work, 'tsconfig.json'), '{}');
    writeFileSync(join(work, 'package-lock.json'), '{}');
    const before = resolutionFingerprint(work);
    expect(resolutionFingerprint(work)).toBe(before);
    writeFileSync(join(work, 'functions', 'shared', 'util.ts'), '');
    const shadowed = resolutionFingerprint(work);
    expect(shadowed).not.toBe(before);
    writeFileSync(join(work, 'tsconfig.json'), '{"compilerOptions":{"target":"ES2020"}}');
    expect(resolutionFingerprint(work)).not.toBe(shadowed);
  });
});
