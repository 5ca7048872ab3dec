import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS_FILE = 'inputs.json';

/** Builds every entry into `outdir` and returns the absolute paths of all the files it read. */
export type Builder = (entries: Record<string, string>, outdir: string) => Promise<string[]>;

type InputHashes = Array<[path: string, sha256: string]>;

/**
 * Build outputs kept on disk between runs: one folder per key (entry points and build options),
 * valid while every input file the build read still has the content it had then. A stale or
 * missing folder is rebuilt in a private folder and moved in whole, so a reader in another
 * process never sees half of one; builds in flight are shared within the process.
 */
export function createBundleCache(root: string, builder: Builder) {
  const inFlight = new Map<string, Promise<string>>();

  async function refresh(entries: Record<string, string>, folder: string): Promise<string> {
    mkdirSync(root, { recursive: true });
    const staging = mkdtempSync(`${folder}.tmp-`);
    try {
      const inputs = await builder(entries, staging);
      const hashes: InputHashes = inputs.map((p) => [p, sha256(readFileSync(p))]);
      writeFileSync(join(staging, INPUTS_FILE), JSON.stringify(hashes));
      // Another process may have moved the same build in meanwhile: keep theirs (a reader may be copying).
      if (isCurrent(folder)) return folder;
      rmSync(folder, { recursive: true, force: true });
      renameSync(staging, folder);
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
      if (isCurrent(folder)) return Promise.resolve(folder);
      const started = refresh(entries, folder).finally(() => inFlight.delete(key));
      inFlight.set(key, started);
      return started;
    },
  };
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
