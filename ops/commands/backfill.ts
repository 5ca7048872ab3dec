import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { realSleep, type Sleep } from '../../functions/shared/aws/pacing';
import { defaultCheckpointPath, fileCheckpointStore, startingPoint, type CheckpointStore } from '../backfill/checkpoint';
import { alreadyRunningTotal, skippedDetail, skippedTotal, startedTotal, type BackfillCounts } from '../backfill/counts';
import { runBackfill, type BackfillReport } from '../backfill/run';
import type { Clients, Targets } from '../context';
import { describeAwsFailure, ExitCodes, table, type Output } from '../output';

export interface BackfillOptions {
  readonly dryRun: boolean;
  /** ListUsers pages per second. */
  readonly rate: number;
  /** Onboardings started per second. */
  readonly startRate: number;
  readonly pageSize: number;
  /** Stop after this many pages (resumable): a backfill in slices. */
  readonly maxPages?: number | undefined;
  /** Default `.backfill-<user pool id>.json` in the current directory. */
  readonly checkpoint?: string | undefined;
  readonly restart: boolean;
}

/** Injectable for tests: the clocks, the sleep, the checkpoint file and the stop request. */
export interface BackfillEnvironment {
  readonly sleep?: Sleep;
  readonly now?: () => number;
  readonly wallClock?: () => Date;
  readonly random?: () => number;
  readonly store?: CheckpointStore;
  readonly shouldStop?: () => boolean;
}

/**
 * `backfill`: onboards the pool's confirmed, enabled users who are not onboarded at this
 * deployment's version (design §11), resumably. Exit 0 when done or stopped (resumable), 1 when
 * some users could not be started, 3 when a dry run found users to start.
 */
export async function backfillCommand(clients: Clients, targets: Targets, out: Output, options: BackfillOptions, env: BackfillEnvironment = {}) {
  const store = env.store ?? fileCheckpointStore(options.checkpoint ?? defaultCheckpointPath(targets.userPoolId));
  const from = startingPoint(options.restart ? undefined : store.load(), targets, options.restart, store.path);
  if (from.kind === 'complete') {
    const result = { outcome: 'already-complete', checkpoint: store.path, pages: from.checkpoint.pages, counts: from.checkpoint.counts, completedAt: from.checkpoint.updatedAt };
    out.result(result, () => `The backfill recorded in ${store.path} finished at ${result.completedAt}: ${summaryLine(result.counts, false)}.\nNothing to do; pass --restart to go through the pool again.`);
    return ExitCodes.Ok;
  }
  if (from.kind === 'resume') out.progress(`backfill: resuming from ${store.path} after page ${from.checkpoint.pages}`);
  const report = await runBackfill(
    {
      idp: clients.cognitoIdp,
      sfn: clients.sfn,
      store: options.dryRun ? undefined : store,
      sleep: env.sleep ?? realSleep,
      now: env.now ?? (() => performance.now()),
      wallClock: env.wallClock ?? (() => new Date()),
      ...(env.random ? { random: env.random } : {}),
      progress: (line) => out.progress(line),
      warn: (line) => out.warn(line),
      ...(env.shouldStop ? { shouldStop: env.shouldStop } : {}),
    },
    {
      userPoolId: targets.userPoolId,
      stateMachineArn: targets.stateMachineArn,
      onboardingVersion: targets.onboardingVersion,
      pageRate: options.rate,
      startRate: options.startRate,
      pageSize: options.pageSize,
      maxPages: options.maxPages,
      dryRun: options.dryRun,
      estimatedUsers: await estimatedUsers(clients, targets, out),
      resume: from.kind === 'resume' ? from.checkpoint : undefined,
    },
  );
  out.result({ dryRun: options.dryRun, checkpoint: options.dryRun ? undefined : store.path, ...report }, () => human(report, options.dryRun, store.path));
  if (report.outcome === 'failed') return ExitCodes.Failed;
  return options.dryRun && report.counts.wouldStart > 0 ? ExitCodes.Denied : ExitCodes.Ok;
}

/** The pool's EstimatedNumberOfUsers for the ETA; without it (cognito-idp:DescribeUserPool refused) there is no ETA. */
async function estimatedUsers(clients: Clients, targets: Targets, out: Output): Promise<number | undefined> {
  try {
    const pool = await clients.cognitoIdp.send(new DescribeUserPoolCommand({ UserPoolId: targets.userPoolId }));
    return pool.UserPool?.EstimatedNumberOfUsers;
  } catch (error) {
    out.warn(`no ETA: DescribeUserPool failed (${describeAwsFailure(error)})`);
    return undefined;
  }
}

function summaryLine(c: BackfillCounts, dryRun: boolean): string {
  const started = dryRun ? `${c.wouldStart} would be started` : `${startedTotal(c)} started (${c.redriven} redriven, ${c.replaced} replaced), ${alreadyRunningTotal(c)} already running or run`;
  const skipped = skippedTotal(c) > 0 ? ` (${skippedDetail(c)})` : '';
  return `${c.seen} users seen, ${started}, ${c.alreadyOnboarded} already onboarded, ${skippedTotal(c)} skipped${skipped}`;
}

function human(report: BackfillReport, dryRun: boolean, path: string): string {
  const lines: string[] = [];
  if (dryRun) lines.push(report.wouldStart.length === 0 ? 'Nobody to onboard.' : table(['WOULD START', 'SUB'], report.wouldStart.map((u) => [u.username, u.sub])));
  if (report.errors.length > 0) lines.push(table(['USER', 'COULD NOT START'], report.errors.map((e) => [e.username, e.reason])));
  lines.push(`${summaryLine(report.counts, dryRun)}; ${report.pages} page(s), ${report.runPages} in this run.`);
  if (report.outcome === 'complete') lines.push(dryRun ? 'Dry run: nothing started, no checkpoint written. Run without --dry-run to onboard them.' : `Backfill complete (${path}).`);
  if (report.outcome === 'stopped') lines.push(dryRun ? `Dry run stopped after ${report.runPages} page(s); nothing recorded.` : `Stopped after ${report.runPages} page(s); run the same command again to resume from ${path}.`);
  if (report.outcome === 'failed') lines.push(`The checkpoint stays before the last page: run again to retry it (its other users converge on their executions).`);
  return lines.join('\n');
}
