import type { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { toUpstreamError } from '../../shared/aws/classify';
import type { EnsureAction } from '../../shared/workflows/executions';
import type { IotControlPlane } from '../../shared/aws/iot-control-plane/api';
import { developerUsersOf } from '../../shared/identity/developer-identity';
import { MetricNames } from '../../shared/observability/metrics';
import { IDENTITY_ID_PATTERN, OffboardingReasons, startOffboarding } from '../../shared/workflows/offboarding';
import { reportStartFailure, type Counter, type Log } from '../../shared/observability/logging';
import { createPacer, retryThrottled, type Sleep } from '../../shared/aws/pacing';
import { errorName } from '../../shared/aws/error-name';
import { ErrorNames } from '../../shared/aws/errors';
import { findUserBySub } from '../../shared/identity/pool-users';

/** What checking one identity needs (the local scan and the user-lookup gate's worker). */
export interface CheckDeps {
  readonly cognitoIdentity: Pick<CognitoIdentityClient, 'send'>;
  readonly idp: Pick<CognitoIdentityProviderClient, 'send'>;
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly log: Log;
  readonly metrics: Counter;
}

export interface CheckOptions {
  readonly identityPoolId: string;
  readonly userPoolId: string;
  readonly offboardingStateMachineArn: string;
  /** List what would be offboarded, start nothing. */
  readonly dryRun: boolean;
}

export interface ReconcileDeps extends CheckDeps {
  /** An SDK `IoT` client or the Lambda's lean one (iot-control-plane). */
  readonly iot: Pick<IotControlPlane, 'listTargetsForPolicy'>;
  readonly sleep?: Sleep;
  /** The jitter of throttle retries, in [0, 1). Default Math.random. */
  readonly random?: () => number;
  readonly now?: () => Date;
  /** Called after each identity checked (the CLI prints progress on stderr). */
  readonly onProgress?: (checked: number) => void;
}

export interface ReconcileOptions extends CheckOptions {
  readonly policyName: string;
  /** Identities checked per second (each costs one LookupDeveloperIdentity and one ListUsers). Default 5. */
  readonly ratePerSecond?: number;
  /** Stop checking after this long (a Lambda's remaining time); the next run starts over. Default: no limit. */
  readonly budgetMs?: number;
  /** Execution names share this window so overlapping runs converge. Default one hour. */
  readonly windowMs?: number;
}

export type UserStateFound = 'absent' | 'disabled' | 'no-user-linked';

export interface Finding {
  readonly identityId: string;
  readonly sub: string | null;
  readonly userState: UserStateFound;
  readonly action: EnsureAction | 'would-offboard' | 'error';
  readonly error?: string;
}

export interface ReconcileReport {
  readonly checked: number;
  readonly complete: boolean;
  readonly findings: Finding[];
}

/**
 * The scheduled check behind offboarding (and `npm run admin -- reconcile`): every identity that
 * holds the product policy (ListTargetsForPolicy, paginated) whose user is gone or disabled is
 * offboarded. Paced to `ratePerSecond`. A failure to start one offboarding is reported and the
 * scan goes on; a failure to list or look up stops it (the next run starts over).
 */
export async function reconcile(options: ReconcileOptions, deps: ReconcileDeps): Promise<ReconcileReport> {
  const now = deps.now ?? (() => new Date());
  const started = now().getTime();
  const window = options.windowMs ?? 3_600_000;
  const at = new Date(Math.floor(started / window) * window);
  const pace = createPacer(options.ratePerSecond ?? 5, deps.sleep);
  const findings: Finding[] = [];
  let checked = 0;
  for await (const identityId of policyTargets(deps, options.policyName)) {
    if (options.budgetMs !== undefined && now().getTime() - started > options.budgetMs) {
      deps.log.warn('Reconciler budget spent before the last target; the next run starts over', { checked });
      return { checked, complete: false, findings };
    }
    await pace();
    const finding = await checkIdentity(deps, options, identityId, at, (call) => throttleRetried(deps, call));
    checked += 1;
    deps.onProgress?.(checked);
    if (finding) findings.push(finding);
  }
  deps.metrics.count(MetricNames.ReconcilerOrphansFound, findings.length);
  deps.log.info('Reconciled', { checked, found: findings.length, dryRun: options.dryRun });
  return { checked, complete: true, findings };
}

/** Cognito identity targets of the policy, page by page (certificates and other targets are skipped). */
export async function* policyTargets(deps: Pick<ReconcileDeps, 'iot'>, policyName: string): AsyncGenerator<string> {
  let marker: string | undefined;
  do {
    let page;
    try {
      page = await deps.iot.listTargetsForPolicy({ policyName, pageSize: 250, marker });
    } catch (error) {
      throw toUpstreamError('ListTargetsForPolicy', error);
    }
    for (const target of page.targets ?? []) if (IDENTITY_ID_PATTERN.test(target)) yield target;
    marker = page.nextMarker;
  } while (marker);
}

/**
 * A lookup throttled by its account-wide quota (ListUsers' 30 RPS is shared with offboarding, and
 * a deletion storm can take it all for a while) is retried with backoff, not the end of the scan.
 */
function throttleRetried<T>(deps: ReconcileDeps, call: () => Promise<T>): Promise<T> {
  const options = { ...(deps.sleep ? { sleep: deps.sleep } : {}), ...(deps.random ? { random: deps.random } : {}) };
  return retryThrottled(call, (error) => errorName(error) === ErrorNames.UpstreamThrottled, options);
}

/** A lookup as the caller wants it: retried on throttling (the local scan) or not (the gate, which paces instead). */
export type Lookup = <T>(call: () => Promise<T>) => Promise<T>;

/**
 * One identity: its developer user (the sub), whether that user is enabled, and, when it is gone
 * or disabled, its offboarding started (named for the window `at`, so overlapping runs converge).
 */
export async function checkIdentity(
  deps: CheckDeps,
  options: CheckOptions,
  identityId: string,
  at: Date,
  lookup: Lookup = (call) => call(),
): Promise<Finding | undefined> {
  const subs = (await lookup(() => developerUsersOf(deps.cognitoIdentity, options.identityPoolId, identityId))) ?? [];
  const sub = subs[0] ?? null;
  let userState: UserStateFound = 'no-user-linked';
  if (sub) {
    const user = await lookup(() => findUserBySub(deps.idp, options.userPoolId, sub));
    if (user?.enabled) return undefined;
    userState = user ? 'disabled' : 'absent';
  }
  if (options.dryRun) return { identityId, sub, userState, action: 'would-offboard' };
  const reason = userState === 'disabled' ? OffboardingReasons.Disabled : OffboardingReasons.Orphan;
  const input = { ...(sub ? { sub } : {}), identityId, reason };
  try {
    const action = await startOffboarding(deps.sfn, options.offboardingStateMachineArn, input, at);
    return { identityId, sub, userState, action };
  } catch (error) {
    reportStartFailure(deps, MetricNames.OffboardingStartErrors, 'Could not start offboarding; the next run tries again', { identityId, sub }, error);
    return { identityId, sub, userState, action: 'error', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}
