import type { Clients, Targets } from '../context';
import { table, type Output } from '../output';
import { workflowFlag, type WorkflowName } from '../workflows';
import { describeFailure, failedExecutionArns, type FailureDetail } from './executions';

export interface FailedOptions {
  readonly sinceMs: number;
  readonly workflow: WorkflowName;
  readonly now?: Date;
}

/** Who each workflow's executions are for, as the table's first columns. */
const WHO_COLUMNS: Record<WorkflowName, { headers: string[]; cells(d: FailureDetail): Array<string | undefined> }> = {
  onboarding: { headers: ['USER'], cells: (d) => [d.username] },
  // A leaving user may be deleted already: the sub and the identity (which may still hold the policy) name them.
  offboarding: { headers: ['SUB', 'IDENTITY', 'REASON'], cells: (d) => [d.sub, d.identityId, d.reason] },
};

/** `failed [--workflow onboarding|offboarding] [--since 24h]`: the workflow's executions that failed, timed out or were aborted. */
export async function failedCommand(clients: Clients, targets: Targets, out: Output, options: FailedOptions) {
  const since = new Date((options.now ?? new Date()).getTime() - options.sinceMs);
  const details: FailureDetail[] = [];
  for (const executionArn of await failedExecutionArns(clients, targets, options.workflow, since)) {
    details.push(await describeFailure(clients, executionArn));
  }
  const who = WHO_COLUMNS[options.workflow];
  out.result(details, () =>
    details.length === 0
      ? `No failed ${options.workflow} executions since ${since.toISOString()}.`
      : table(
          [...who.headers, 'STATUS', 'FAILED STATE', 'ERROR', 'CAUSE', 'STOPPED', 'REDRIVES'],
          details.map((d) => [...who.cells(d), d.status, d.failedState, d.error, truncate(d.cause, 60), d.stoppedAt, d.redriveCount]),
        ) + `\n${details.length} execution(s). Redrive them with: npm run admin -- redrive --all-failed${workflowFlag(options.workflow)}`,
  );
  return details;
}

function truncate(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
