import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS_FILE = 'inputs.json';

/** Builds every entry into `outdir` and returns the absolute paths of all the files it read. */
export type Builder = (entries: Record<string, string>, outdir: string) => Promise<string[]>;

type InputHashes = Array<[path: string, sha256: string]>;

/**
 * Build outputs kept on disk between runs: one folder per key (entry points and build options),
 * valid while every input file the build read still has the content it had then. A stale or
 * missing folder is rebuilt in a private folder and moved in whole (a reader in another process
 * that loses a race falls back to building itself); builds in flight are shared within the
 * process. What the build resolved but did not read (a file that would now shadow another,
 * configuration) belongs in `options`, which is part of the key.
 */
export function createBundleCache(root: string, builder: Builder) {
  const inFlight = new Map<string, Promise<string>>();

  async function refresh(entries: Record<string, string>, folder: string): Promise<string> {
    mkdirSync(root, { recursive: true });
    removeAbandoned(root);
    const staging = mkdtempSync(`${folder}.tmp-`);
    try {
      const startedAt = Date.now();
      const inputs = await builder(entries, staging);
      // A file saved while the build ran may be newer than what the build read: hashing it now
      // would record the bundle as current. Such a build is used once, not kept.
      if (inputs.some((p) => statSync(p).mtimeMs >= startedAt - MTIME_SLACK_MS)) throw new InputsChangedDuringBuild();
      const hashes: InputHashes = inputs.map((p) => [p, sha256(readFileSync(p))]);
      writeFileSync(join(staging, INPUTS_FILE), JSON.stringify(hashes));
      // Another process may have moved the same build in meanwhile: keep theirs (a reader may be copying).
      if (isCurrent(folder)) return folder;
      rmSync(folder, { recursive: true, force: true });
      renameSync(staging, folder);
      removeUnused(root, folder);
      return folder;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }

  return {
    /** The folder holding a current build of `entries` (built first when stale), one file per entry name. */
    folderFor(entries: Record<string, string>, options: unknown): Promise<string> {
      const key = sha256(JSON.stringify({ entries, options }));
      const folder = join(root, key);
      const pending = inFlight.get(key);
      if (pending) return pending;
      if (isCurrent(folder)) return Promise.resolve(markUsed(folder));
      const started = refresh(entries, folder).finally(() => inFlight.delete(key));
      inFlight.set(key, started);
      return started;
    },
  };
}

/** File systems keep modification times to the second or coarser. */
const MTIME_SLACK_MS = 2_000;
/** Staging folders older than this were abandoned by a process that died mid-build. */
const ABANDONED_AFTER_MS = 10 * 60_000;

export class InputsChangedDuringBuild extends Error {
  override readonly name = 'InputsChangedDuringBuild';
}

/** Builds no start has used for this long belong to sources long gone; each holds megabytes. */
const UNUSED_AFTER_MS = 7 * 24 * 3_600_000;

function markUsed(folder: string): string {
  const now = new Date();
  try {
    utimesSync(join(folder, INPUTS_FILE), now, now);
  } catch {
    // Another process replaced the folder meanwhile: its inputs file is fresh anyway.
  }
  return folder;
}

function removeUnused(root: string, keep: string): void {
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    const marker = join(path, INPUTS_FILE);
    if (path === keep || name.includes('.tmp-') || !existsSync(marker)) continue;
    if (Date.now() - statSync(marker).mtimeMs > UNUSED_AFTER_MS) rmSync(path, { recursive: true, force: true });
  }
}

function removeAbandoned(root: string): void {
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (name.includes('.tmp-') && Date.now() - statSync(path).mtimeMs > ABANDONED_AFTER_MS) rmSync(path, { recursive: true, force: true });
  }
}

/** True while every input the cached build read still has the content it had. */
function isCurrent(folder: string): boolean {
  const file = join(folder, INPUTS_FILE);
  if (!existsSync(file)) return false;
  try {
    const hashes = JSON.parse(readFileSync(file, 'utf8')) as InputHashes;
    return hashes.every(([path, hash]) => existsSync(path) && sha256(readFileSync(path)) === hash);
  } catch {
    return false;
  }
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
