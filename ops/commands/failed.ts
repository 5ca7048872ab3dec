import type { Clients, Targets } from '../context';
import { table, type Output } from '../output';
import { CLOSED_UNSUCCESSFUL, describeFailure, listExecutions, type FailureDetail } from './executions';

/** `failed [--since 24h]`: onboarding executions that failed, timed out or were aborted. */
export async function failedCommand(clients: Clients, targets: Targets, out: Output, options: { sinceMs: number; now?: Date }) {
  const since = new Date((options.now ?? new Date()).getTime() - options.sinceMs);
  const executions = await listExecutions(clients, targets.stateMachineArn, CLOSED_UNSUCCESSFUL, since);
  const details: FailureDetail[] = [];
  for (const execution of executions) {
    if (execution.executionArn) details.push(await describeFailure(clients, execution.executionArn));
  }
  out.result(details, () =>
    details.length === 0
      ? `No failed onboarding executions since ${since.toISOString()}.`
      : table(
          ['USER', 'STATUS', 'FAILED STATE', 'ERROR', 'CAUSE', 'STOPPED', 'REDRIVES'],
          details.map((d) => [d.username, d.status, d.failedState, d.error, truncate(d.cause, 60), d.stoppedAt, d.redriveCount]),
        ) + `\n${details.length} execution(s). Redrive them with: npm run admin -- redrive --all-failed`,
  );
  return details;
}

function truncate(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
