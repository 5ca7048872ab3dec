import { reconcile, type Finding } from '../../functions/offboarding/reconciler/core';
import { noCounter, silentLog } from '../../functions/shared/observability/logging';
import type { Clients, Targets } from '../context';
import { ExitCodes, table, type Output } from '../output';

export interface ReconcileCommandOptions {
  readonly dryRun: boolean;
  /** Identities checked per second. */
  readonly rate: number;
}

/**
 * `reconcile [--dry-run] [--rate N]`: the scheduled reconciler's check, on demand, with the same
 * core. Lists identities holding the product policy whose user is gone or disabled; without
 * --dry-run it starts their offboarding. Exit 3 when a dry run found something, 1 when a start failed.
 */
export async function reconcileCommand(clients: Clients, targets: Targets, out: Output, options: ReconcileCommandOptions) {
  const report = await reconcile(
    {
      policyName: targets.iotPolicyName,
      identityPoolId: targets.identityPoolId,
      userPoolId: targets.userPoolId,
      offboardingStateMachineArn: targets.offboardingStateMachineArn,
      dryRun: options.dryRun,
      ratePerSecond: options.rate,
    },
    {
      iot: clients.iot,
      cognitoIdentity: clients.cognitoIdentity,
      idp: clients.cognitoIdp,
      sfn: clients.sfn,
      log: silentLog,
      metrics: noCounter,
      onProgress: (checked) => out.progress(`reconcile: ${checked} identities checked`),
    },
  );
  out.result({ dryRun: options.dryRun, ...report }, () => human(report.checked, report.findings, options.dryRun));
  const errors = report.findings.filter((f) => f.action === 'error').length;
  if (errors > 0) return ExitCodes.Failed;
  return options.dryRun && report.findings.length > 0 ? ExitCodes.Denied : ExitCodes.Ok;
}

function human(checked: number, findings: Finding[], dryRun: boolean): string {
  const rows = findings.map((f) => [f.identityId, f.sub ?? '-', f.userState, f.action, f.error]);
  const summary = `${checked} identities hold the policy; ${findings.length} ${dryRun ? 'would be offboarded' : 'offboarding ensured'}.`;
  if (findings.length === 0) return `${summary}\nNothing to offboard.`;
  const hint = dryRun ? '\nRun without --dry-run to offboard them.' : '';
  return `${table(['IDENTITY', 'SUB', 'USER', 'ACTION', 'ERROR'], rows)}\n${summary}${hint}`;
}
