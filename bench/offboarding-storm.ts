import { AdminDeleteUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IoTClient, ListTargetsForPolicyCommand } from '@aws-sdk/client-iot';
import { CognitoQuotas, CognitoIdentityQuotas, IotQuotas } from '../functions/shared/aws/quotas';
import { createPacer } from '../functions/shared/aws/pacing';
import { DetachGate, DeviceReleaseGate, UserLookupGate } from '../functions/shared/gates/gates';
import type { Sandbox } from '../sandbox';
import { mapLimit, rejected } from './concurrency';
import { progress } from './fixture';
import type { RowSink } from './rows';

/** What the offboarding storm runs against: the quotas it enforces, by sandbox operation. */
export type OffboardingQuotas = 'gated' | 'all';

export interface OffboardingStormOptions {
  /** The onboarded users to delete. */
  readonly usernames: readonly string[];
  /**
   * `gated`: DetachPolicy (15 TPS), ListUsers (30 RPS) and ListThings (10 TPS), the quotas the
   * offboarding's gates spend, at AWS's figures. `all`: also DeleteIdentities (10 RPS), which
   * RemoveIdentity calls outside any gate (docs/capacity.md).
   */
  readonly quotas: OffboardingQuotas;
}

interface CallFigures {
  readonly calls: number;
  readonly throttled: number;
  readonly callsPerUser: number;
}

export interface OffboardingStormFigures {
  readonly users: number;
  readonly quotas: Readonly<Record<string, number>>;
  /** AdminDeleteUser pace: UserUpdate's 25 RPS, not adjustable: users cannot be deleted faster. */
  readonly deletesPerSecond: number;
  /** First AdminDeleteUser to the last offboarding execution closed. */
  readonly durationMs: number;
  /** N / the slowest gate's rate (the device-release gate's 4/s): the fastest the gates drain it. */
  readonly gateFloorMs: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly unfinished: number;
  /** Deleted users whose identity still held the product policy when the storm ended. */
  readonly policiesLeft: number;
  readonly detachPolicy: CallFigures;
  readonly listUsers: CallFigures;
  /** Two per offboarding by design (the devices owned, the releases left half done): the target is per list. */
  readonly listThings: CallFigures;
  /** Throttled calls of every enforced quota (0: the product never asked for more than the quota). */
  readonly throttled: Readonly<Record<string, number>>;
  readonly transitionsPerOffboarding: number;
}

const TERMINAL = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']);

/** The quota of each enforced operation (functions/shared/aws/quotas.ts). */
function enforcedQuotas(quotas: OffboardingQuotas): Record<string, number> {
  const gated = { 'iot:DetachPolicy': IotQuotas.detachPolicyTps, 'cognito-idp:ListUsers': CognitoQuotas.userListRps, 'iot:ListThings': IotQuotas.listThingsTps };
  if (quotas === 'gated') return gated;
  return { ...gated, 'cognito-identity:DeleteIdentities': CognitoIdentityQuotas.deleteIdentitiesRps };
}

/**
 * Every user of `usernames` deleted as fast as the account allows (AdminDeleteUser at UserUpdate's
 * 25 RPS), each deletion starting an offboarding through the lifecycle rule, while the sandbox
 * holds DetachPolicy and ListUsers (and with `all`, ListThings and DeleteIdentities) to AWS's
 * quotas: how long until every offboarding has closed, how many calls of each quota-bound API
 * each user cost, whether any call was throttled, and whether any identity kept the policy.
 */
export async function benchOffboardingStorm(sandbox: Sandbox, options: OffboardingStormOptions): Promise<OffboardingStormFigures> {
  const users = options.usernames.length;
  const quotas = enforcedQuotas(options.quotas);
  const backend = { region: sandbox.region, credentials: { accessKeyId: sandbox.env.AWS_ACCESS_KEY_ID, secretAccessKey: sandbox.env.AWS_SECRET_ACCESS_KEY } };
  const idp = new CognitoIdentityProviderClient({ ...backend, endpoint: sandbox.endpoints.cognitoIdp });
  const iot = new IoTClient({ ...backend, endpoint: sandbox.endpoints.iotControlPlane });
  const gateFloorMs = (users / Math.min(DetachGate.ratePerSecond, UserLookupGate.ratePerSecond, DeviceReleaseGate.ratePerSecond)) * 1000;
  try {
    const holdersBefore = await policyTargets(iot, sandbox.policyName);
    for (const [operation, tps] of Object.entries(quotas)) sandbox.faults.set(operation, { throttleTps: tps });
    const before = snapshot(sandbox, Object.keys(quotas));
    const transitionsBefore = sandbox.services.sfn.stats.transitions;
    const closed = watchOffboardings(sandbox);
    progress(`offboarding storm: deleting ${users} users at ${CognitoQuotas.userUpdateRps}/s; ${Object.entries(quotas).map(([op, q]) => `${op} at ${q}/s`).join(', ')}`);
    const started = performance.now();
    await deleteAll(sandbox, idp, options.usernames);
    await closed.until(users, Math.max(60_000, 3 * gateFloorMs));
    const durationMs = closed.lastAt() - started;
    closed.stop();
    const after = snapshot(sandbox, Object.keys(quotas));
    const holdersAfter = await policyTargets(iot, sandbox.policyName);
    const figures = (operation: string): CallFigures => {
      const calls = (after[operation]?.calls ?? 0) - (before[operation]?.calls ?? 0);
      return { calls, throttled: (after[operation]?.throttled ?? 0) - (before[operation]?.throttled ?? 0), callsPerUser: calls / users };
    };
    const statuses = closed.statuses();
    progress(`offboarding storm: ${statuses.succeeded}/${users} offboarded in ${(durationMs / 1000).toFixed(1)} s`);
    return {
      users,
      quotas,
      deletesPerSecond: CognitoQuotas.userUpdateRps,
      durationMs,
      gateFloorMs,
      ...statuses,
      unfinished: users - statuses.succeeded - statuses.failed,
      // Every deleted user held the policy before; those the storm did not take it from still do.
      policiesLeft: users - [...holdersBefore].filter((target) => !holdersAfter.has(target)).length,
      detachPolicy: figures('iot:DetachPolicy'),
      listUsers: figures('cognito-idp:ListUsers'),
      listThings: figures('iot:ListThings'),
      throttled: Object.fromEntries(Object.keys(quotas).map((op) => [op, figures(op).throttled])),
      transitionsPerOffboarding: (sandbox.services.sfn.stats.transitions - transitionsBefore) / users,
    };
  } finally {
    for (const operation of Object.keys(quotas)) sandbox.faults.set(operation, undefined);
    idp.destroy();
    iot.destroy();
  }
}

function snapshot(sandbox: Sandbox, operations: readonly string[]) {
  return Object.fromEntries(operations.map((op) => [op, sandbox.faults.stats(op)]));
}

/** AdminDeleteUser of every user at UserUpdate's quota (an operator's script that respects it). */
async function deleteAll(sandbox: Sandbox, idp: CognitoIdentityProviderClient, usernames: readonly string[]): Promise<void> {
  const pace = createPacer(CognitoQuotas.userUpdateRps);
  const results = await mapLimit(usernames, 25, async (username) => {
    await pace();
    await idp.send(new AdminDeleteUserCommand({ UserPoolId: sandbox.userPool.userPoolId, Username: username }));
  });
  const failures = rejected(results);
  if (failures.length > 0) throw new Error(`could not delete ${failures.length} of ${usernames.length} users`);
  await sandbox.eventBus.drain();
}

/** Counts the offboarding executions that close, by status, and when the last one did. */
function watchOffboardings(sandbox: Sandbox) {
  const machine = sandbox.offboardingStateMachineArn;
  let succeeded = 0;
  let failed = 0;
  let lastAt = performance.now();
  let wake: (() => void) | undefined;
  const unsubscribe = sandbox.services.sfn.onExecutionEvent((notice) => {
    const type = notice.event.type;
    if (notice.stateMachineArn !== machine || !type || !TERMINAL.has(type)) return;
    if (type === 'ExecutionSucceeded') succeeded++;
    else failed++;
    lastAt = performance.now();
    wake?.();
  });
  return {
    statuses: () => ({ succeeded, failed }),
    lastAt: () => lastAt,
    stop: unsubscribe,
    /** Resolves when `count` have closed, or after `limitMs` (the figures then show the rest as unfinished). */
    until(count: number, limitMs: number): Promise<void> {
      const deadline = performance.now() + limitMs;
      return new Promise((resolve) => {
        const check = () => {
          if (succeeded + failed >= count || performance.now() >= deadline) {
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          wake = undefined;
          resolve();
        }, limitMs);
        wake = check;
        check();
      });
    },
  };
}

/** Every target of the policy (paginated). */
async function policyTargets(iot: IoTClient, policyName: string): Promise<Set<string>> {
  const targets = new Set<string>();
  let marker: string | undefined;
  do {
    const page = await iot.send(new ListTargetsForPolicyCommand({ policyName, pageSize: 250, marker }));
    for (const target of page.targets ?? []) targets.add(target);
    marker = page.nextMarker;
  } while (marker);
  return targets;
}

/** The offboarding storm's rows: time, outcome, and calls per user of each quota-bound API against the issue's targets. */
export function offboardingStormRows(o: OffboardingStormFigures, add: RowSink, ms: (v: number) => string): void {
  const section = `Offboarding storm (${o.users} users deleted at ${o.deletesPerSecond}/s, ${Object.entries(o.quotas).map(([op, q]) => `${op.split(':')[1]} at ${q}/s`).join(', ')})`;
  const done = o.succeeded === o.users;
  add({ section, metric: 'first AdminDeleteUser to all offboardings closed', value: `${ms(o.durationMs)} (gates' floor ${ms(o.gateFloorMs)}: the device-release gate's ${DeviceReleaseGate.ratePerSecond}/s)` });
  add({ section, metric: 'users offboarded', value: `${o.succeeded} of ${o.users} (${o.failed} failed, ${o.unfinished} unfinished)`, target: 'all', met: done });
  add({ section, metric: 'deleted users whose identity still holds the policy', value: String(o.policiesLeft), target: '0', met: o.policiesLeft === 0 });
  // Calls per user against what one offboarding needs: 1 of each, 2 ListThings (two lists), × 1.2.
  for (const [label, figures, needed] of [['DetachPolicy', o.detachPolicy, 1], ['ListUsers', o.listUsers, 1], ['ListThings', o.listThings, 2]] as const) {
    const bound = 1.2 * needed;
    add({ section, metric: `${label} calls per user`, value: `${figures.callsPerUser.toFixed(2)} (${figures.throttled} of ${figures.calls} throttled)`, target: `≤ ${bound.toFixed(1)}`, met: figures.callsPerUser <= bound });
  }
  const throttled = Object.values(o.throttled).reduce((a, b) => a + b, 0);
  add({
    section,
    metric: 'calls over a quota (throttled)',
    value: Object.entries(o.throttled).map(([op, n]) => `${op} ${n}`).join(', '),
    target: '0',
    met: throttled === 0,
  });
  add({ section, metric: 'state transitions per offboarding', value: o.transitionsPerOffboarding.toFixed(1) });
}
