import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { errorMessage, errorName } from '../../functions/shared/aws/error-name';
import { CliError, ExitCodes } from '../output';
import { emptyCounts, type BackfillCounts } from './counts';

/**
 * Where a backfill is: written after every page once all its users were handled, so a stopped
 * run resumes at the first page not fully handled (none lost; at most one handled again, which
 * is safe: every start converges on the user's one deterministic execution).
 */
export interface Checkpoint {
  readonly kind: 'iot-onboarding-backfill';
  readonly userPoolId: string;
  readonly onboardingVersion: string;
  readonly state: 'in-progress' | 'complete';
  /** ListUsers' PaginationToken of the next page; absent: the first page. */
  readonly nextToken?: string;
  readonly pages: number;
  readonly counts: BackfillCounts;
  readonly startedAt: string;
  readonly updatedAt: string;
}

/** Reads and writes one checkpoint file. */
export interface CheckpointStore {
  readonly path: string;
  load(): Checkpoint | undefined;
  save(checkpoint: Checkpoint): void;
}

/** `.backfill-<user pool id>.json` in the current directory. */
export const defaultCheckpointPath = (userPoolId: string) => `.backfill-${userPoolId}.json`;

export function fileCheckpointStore(path: string): CheckpointStore {
  return {
    path,
    load() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        if (errorName(error) === 'Error' && (error as { code?: string }).code === 'ENOENT') return undefined;
        throw new CliError(`Cannot read checkpoint ${path}: ${errorMessage(error)}`);
      }
      return parseCheckpoint(path, text);
    },
    save(checkpoint) {
      // Written aside, then renamed over the old one: a stop mid-write leaves the previous checkpoint.
      writeFileSync(`${path}.tmp`, `${JSON.stringify(checkpoint, null, 2)}\n`);
      renameSync(`${path}.tmp`, path);
    },
  };
}

function parseCheckpoint(path: string, text: string): Checkpoint {
  let json: Partial<Checkpoint> | undefined;
  try {
    json = JSON.parse(text) as Partial<Checkpoint>;
  } catch {
    json = undefined;
  }
  if (json?.kind !== 'iot-onboarding-backfill' || typeof json.userPoolId !== 'string' || typeof json.pages !== 'number') {
    throw new CliError(`${path} is not a backfill checkpoint: name another --checkpoint file, or pass --restart to overwrite it`);
  }
  return { ...(json as Checkpoint), counts: { ...emptyCounts(), ...json.counts } };
}

/** Where a run begins: fresh, resumed from `checkpoint`, or nothing to do (the checkpoint is complete). */
export type StartingPoint = { readonly kind: 'fresh' } | { readonly kind: 'resume'; readonly checkpoint: Checkpoint } | { readonly kind: 'complete'; readonly checkpoint: Checkpoint };

export function startingPoint(checkpoint: Checkpoint | undefined, target: { userPoolId: string; onboardingVersion: string }, restart: boolean, path: string): StartingPoint {
  if (restart || !checkpoint) return { kind: 'fresh' };
  if (checkpoint.userPoolId !== target.userPoolId) {
    throw new CliError(`backfill: checkpoint ${path} is for user pool ${checkpoint.userPoolId}, not ${target.userPoolId}: name another --checkpoint file, or pass --restart`, ExitCodes.Usage);
  }
  if (checkpoint.onboardingVersion !== target.onboardingVersion) {
    throw new CliError(`backfill: checkpoint ${path} was written at onboarding version ${checkpoint.onboardingVersion}; the deployment onboards at ${target.onboardingVersion}: pass --restart to go through the pool again`, ExitCodes.Usage);
  }
  return checkpoint.state === 'complete' ? { kind: 'complete', checkpoint } : { kind: 'resume', checkpoint };
}
