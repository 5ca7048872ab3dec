import { CognitoQuotas, ListUsersShares, RECONCILE_RATE_MAX } from '../../functions/shared/aws/quotas';
import { AttachGate } from '../../functions/shared/gates/gates';

/** `backfill --rate`: ListUsers pages per second. Default 2 (up to 120 users a second). */
export const DEFAULT_PAGE_RATE = ListUsersShares.backfillPagesDefault;

/**
 * `backfill --start-rate`: onboardings started per second. Default 10; at most the attach gate's
 * rate, since every onboarding waits in that gate for its AttachPolicy: starting faster only
 * lengthens the gate's queue (and the executions' wait), it does not onboard anyone sooner.
 */
export const DEFAULT_START_RATE = 10;
export const START_RATE_MAX = AttachGate.ratePerSecond;

/** Users per ListUsers page: the API's maximum (Limit 0 to 60). */
export const MAX_PAGE_SIZE = 60;

/** Why a page rate cannot be used, or undefined when it can. */
export function pageRateProblem(rate: number): string | undefined {
  if (rate > 0 && rate <= RECONCILE_RATE_MAX) return undefined;
  return `--rate must be more than 0 and at most ${RECONCILE_RATE_MAX} ListUsers pages per second (what the user-lookup gate's ${ListUsersShares.gate} leaves of the account's ${CognitoQuotas.userListRps} RPS ListUsers quota); got ${rate}`;
}

/** Why a start rate cannot be used, or undefined when it can. */
export function startRateProblem(rate: number): string | undefined {
  if (rate > 0 && rate <= START_RATE_MAX) return undefined;
  return `--start-rate must be more than 0 and at most ${START_RATE_MAX} onboardings per second (the attach gate's rate: each onboarding waits there for its AttachPolicy, so starting faster only fills the gate's queue); got ${rate}`;
}
