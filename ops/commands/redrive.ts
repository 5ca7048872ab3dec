import { DescribeExecutionCommand, RedriveExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { errorMessage, errorName } from '../../functions/shared/aws/error-name';
import { executionArnFor } from '../../functions/shared/workflows/executions';
import { findUserBySub } from '../../functions/shared/identity/pool-users';
import { replacementExecutionName } from '../../functions/shared/workflows/onboarding';
import { createPacer } from '../../functions/shared/aws/pacing';
import type { Clients, Targets } from '../context';
import { ExitCodes, describeAwsFailure, table, type Output } from '../output';
import type { WorkflowName } from '../workflows';
import { failedExecutionArns } from './executions';

export interface RedriveOptions {
  /** Executions of either workflow, redriven (or restarted) on their own state machine. */
  readonly executionArns: string[];
  readonly allFailed: boolean;
  /** Whose failed executions `allFailed` redrives. */
  readonly workflow: WorkflowName;
  readonly sinceMs: number;
  /** Redrives per second. Default 5. */
  readonly rate: number;
  /**
   * Start executions that can no longer be redriven afresh (same input, replacement name). Safe for
   * both workflows: it is what their own starters do (`ensureExecution`), under the same name, and
   * offboarding resolves the user again, leaving one who is enabled by now alone.
   */
  readonly restart: boolean;
  /** Injectable for tests; waits between calls to hold the rate. */
  readonly sleep?: (ms: number) => Promise<void>;
}

type Outcome =
  | { executionArn: string; result: 'redriven' }
  | { executionArn: string; result: 'restarted'; newExecutionArn: string }
  | { executionArn: string; result: 'skipped'; reason: string }
  | { executionArn: string; result: 'error'; reason: string };

/** `redrive <arn…> | --all-failed [--workflow onboarding|offboarding]`: rate-limited redrives with a summary. */
export async function redriveCommand(clients: Clients, targets: Targets, out: Output, options: RedriveOptions) {
  const arns = options.allFailed
    ? await failedExecutionArns(clients, targets, options.workflow, new Date(Date.now() - options.sinceMs))
    : options.executionArns;
  const pace = createPacer(options.rate, options.sleep);
  const outcomes: Outcome[] = [];
  for (const [index, executionArn] of arns.entries()) {
    await pace();
    const held = await heldBack(clients, targets, executionArn);
    outcomes.push(held ?? (await redriveOne(clients, executionArn, options.restart)));
    if (arns.length > 1) out.progress(`redrive ${index + 1}/${arns.length}`);
  }
  const count = (result: Outcome['result']) => outcomes.filter((o) => o.result === result).length;
  const summary = { redriven: count('redriven'), restarted: count('restarted'), skipped: count('skipped'), errors: count('error'), outcomes };
  out.result(summary, () =>
    [
      arns.length === 0 ? 'Nothing to redrive.' : table(['EXECUTION', 'RESULT', 'DETAIL'], outcomes.map((o) => [o.executionArn.split(':').slice(-1)[0], o.result, detail(o)])),
      `redriven ${summary.redriven}, restarted ${summary.restarted}, skipped ${summary.skipped}, errors ${summary.errors}`,
    ].join('\n'),
  );
  return { summary, exitCode: summary.errors > 0 ? ExitCodes.Failed : summary.skipped > 0 ? ExitCodes.Denied : ExitCodes.Ok };
}

function detail(o: Outcome): string {
  if (o.result === 'restarted') return o.newExecutionArn.split(':').slice(-1)[0] ?? '';
  return 'reason' in o ? o.reason : '';
}

/**
 * A redrive resumes at the state that failed, past the offboarding's ChooseAction, which is what
 * leaves a user who is enabled again alone. So before redriving an offboarding, the CLI asks the
 * user pool itself: a user who exists and is enabled is skipped (disable them and run `offboard`
 * if they must still go). A `--restart` would resolve the user again, but is not tried either.
 */
async function heldBack(clients: Clients, targets: Targets, executionArn: string): Promise<Outcome | undefined> {
  if (!executionArn.startsWith(executionArnFor(targets.offboardingStateMachineArn, ''))) return undefined;
  try {
    const execution = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    const sub = (JSON.parse(execution.input ?? '{}') as { sub?: unknown }).sub;
    if (typeof sub !== 'string') return undefined;
    const user = await findUserBySub(clients.cognitoIdp, targets.userPoolId, sub);
    return user?.enabled ? { executionArn, result: 'skipped', reason: 'the user is enabled again: offboarding them now would remove their access' } : undefined;
  } catch (error) {
    return { executionArn, result: 'error', reason: describeAwsFailure(error) };
  }
}

async function redriveOne(clients: Clients, executionArn: string, restart: boolean): Promise<Outcome> {
  try {
    await clients.sfn.send(new RedriveExecutionCommand({ executionArn }));
    return { executionArn, result: 'redriven' };
  } catch (error) {
    if (errorName(error) !== 'ExecutionNotRedrivable') return { executionArn, result: 'error', reason: describeAwsFailure(error) };
    if (!restart) return { executionArn, result: 'skipped', reason: `not redrivable: ${errorMessage(error)} (use --restart)` };
  }
  try {
    const execution = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status === 'RUNNING' || execution.status === 'SUCCEEDED') {
      return { executionArn, result: 'skipped', reason: `execution is ${execution.status}` };
    }
    const name = replacementExecutionName(execution.name ?? '', execution.stopDate ?? new Date());
    const started = await clients.sfn.send(
      new StartExecutionCommand({ stateMachineArn: execution.stateMachineArn, name, input: execution.input }),
    );
    return { executionArn, result: 'restarted', newExecutionArn: started.executionArn ?? name };
  } catch (error) {
    return { executionArn, result: 'error', reason: describeAwsFailure(error) };
  }
}
