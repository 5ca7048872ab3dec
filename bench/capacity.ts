import { OWNERSHIP_TTL_MS } from '../functions/api/publish-command/ownership-cache';
import {
  CognitoIdentityQuotas,
  CognitoQuotas,
  IotQuotas,
  QuotaPages,
  StepFunctionsQuotas,
} from '../functions/shared/aws/quotas';
import { AttachGate, DetachGate, DeviceReleaseGate, UserLookupGate } from '../functions/shared/gates/gates';
import { TRUST_DEFAULTS } from '../functions/shared/trust/user-trust';
import type { CallCounts } from './aws-calls';
import { addCalls, METERED } from './call-counter';
import type { CommandFigures } from './commands';
import type { LifecycleFigures } from './lifecycle';
import type { OnboardingFigures } from './onboarding';

/**
 * Capacity on paper: where one AWS account's default quotas stop the product, computed from the
 * calls the benchmark measured per sign-in, per hour of use and per offboarding (never from call
 * counts written down here). docs/capacity.md explains the model and what to do past each bound.
 */

/** Not a call: the MQTT connections a user in use holds at once (the profile's, not measured). */
export const HELD_CONNECTIONS = 'iot:HeldConnection';

/** What "a user in use for an hour" does. Every assumption of the model is here. */
export interface UsageProfile {
  /** Commands sent through the API in the hour, evenly spread. */
  readonly commandsPerHour: number;
  /** The app's MQTT session: SigV4 over WebSocket (the web app) or the custom authorizer with the ID token. */
  readonly session: 'sigv4' | 'authorizer';
  /** Renewals per hour: ID tokens and identity credentials last 60 min and the SDKs renew both before expiry, reconnecting MQTT. */
  readonly renewalsPerHour: number;
  /** Devices per user, each holding an MQTT connection of its own. */
  readonly devicesPerUser: number;
  /** The API's trust window: a command after it costs a re-validation (AdminGetUser). */
  readonly trustWindowSeconds: number;
  /** The API's ownership cache: a command after it costs a DescribeThing. */
  readonly ownershipTtlSeconds: number;
  /** How often IoT re-invokes the custom authorizer on a live session (its `refreshAfterInSeconds`: the trust window, at least IoT's 300 s). */
  readonly authorizerRefreshSeconds: number;
}

/** The default profile. Caches are those of one warm API instance: a user whose calls reach k instances refills them up to k times. */
export const USAGE: UsageProfile = {
  commandsPerHour: 10,
  session: 'sigv4',
  renewalsPerHour: 1,
  devicesPerUser: 1,
  trustWindowSeconds: TRUST_DEFAULTS.revalidateSeconds,
  ownershipTtlSeconds: OWNERSHIP_TTL_MS / 1000,
  authorizerRefreshSeconds: Math.max(TRUST_DEFAULTS.revalidateSeconds, 300),
};

/** One account-wide quota and the counted operations that spend it. */
export interface AccountQuota {
  readonly name: string;
  readonly operations: readonly string[];
  /** The default per second (a count for `concurrent`); undefined where AWS publishes none. */
  readonly perSecond: number | undefined;
  /** The rate the product allows itself, where it stays below the quota on purpose. */
  readonly usable?: { readonly perSecond: number; readonly why: string };
  readonly concurrent?: boolean;
  readonly adjustable: boolean | undefined;
  readonly page: string;
}

const USER_UPDATE = ['AdminUpdateUserAttributes', 'AdminDeleteUser', 'AdminDisableUser', 'AdminEnableUser', 'AdminDeleteUserAttributes', 'UpdateUserAttributes', 'DeleteUser', 'GlobalSignOut', 'AdminUserGlobalSignOut'];

/** The quotas the product spends per user; figures from functions/shared/aws/quotas.ts. */
export const ACCOUNT_QUOTAS: readonly AccountQuota[] = [
  { name: 'IoT AttachPolicy', operations: ['iot:AttachPolicy'], perSecond: IotQuotas.attachPolicyTps, usable: { perSecond: AttachGate.ratePerSecond, why: 'attach gate' }, adjustable: true, page: QuotaPages.iotCore },
  { name: 'IoT DetachPolicy', operations: ['iot:DetachPolicy'], perSecond: IotQuotas.detachPolicyTps, usable: { perSecond: DetachGate.ratePerSecond, why: 'detach gate' }, adjustable: true, page: QuotaPages.iotCore },
  {
    name: 'IoT ListThings',
    operations: ['iot:ListThings'],
    perSecond: IotQuotas.listThingsTps,
    usable: { perSecond: DeviceReleaseGate.ratePerSecond * DeviceReleaseGate.callsPerMessage, why: 'device-release gate' },
    adjustable: true,
    page: QuotaPages.iotCore,
  },
  { name: 'IoT DescribeThing', operations: ['iot:DescribeThing'], perSecond: IotQuotas.describeThingTps, adjustable: true, page: QuotaPages.iotCore },
  { name: 'IoT connect requests', operations: [METERED.connect], perSecond: IotQuotas.connectsPerSecond, adjustable: true, page: QuotaPages.iotCore },
  { name: 'IoT concurrent connections', operations: [HELD_CONNECTIONS], perSecond: IotQuotas.concurrentConnections, concurrent: true, adjustable: true, page: QuotaPages.iotCore },
  { name: 'IoT inbound publish', operations: [METERED.inboundPublish], perSecond: IotQuotas.inboundPublishPerSecond, adjustable: true, page: QuotaPages.iotCore },
  { name: 'Cognito UserAuthentication', operations: ['cognito-idp:InitiateAuth', 'cognito-idp:AdminInitiateAuth'], perSecond: CognitoQuotas.userAuthenticationRps, adjustable: true, page: QuotaPages.cognito },
  {
    name: 'Cognito challenge responses',
    operations: ['cognito-idp:RespondToAuthChallenge', 'cognito-idp:AdminRespondToAuthChallenge'],
    perSecond: CognitoQuotas.challengeResponseFactor * CognitoQuotas.userAuthenticationRps,
    adjustable: true,
    page: QuotaPages.cognito,
  },
  { name: 'Cognito UserRead', operations: ['cognito-idp:AdminGetUser', 'cognito-idp:GetUser'], perSecond: CognitoQuotas.userReadRps, adjustable: true, page: QuotaPages.cognito },
  {
    name: 'Cognito UserList',
    operations: ['cognito-idp:ListUsers', 'cognito-idp:ListUsersInGroup'],
    perSecond: CognitoQuotas.userListRps,
    usable: { perSecond: UserLookupGate.ratePerSecond, why: 'user-lookup gate' },
    adjustable: false,
    page: QuotaPages.cognito,
  },
  { name: 'Cognito UserUpdate', operations: USER_UPDATE.map((op) => `cognito-idp:${op}`), perSecond: CognitoQuotas.userUpdateRps, adjustable: false, page: QuotaPages.cognito },
  {
    name: 'GetOpenIdTokenForDeveloperIdentity',
    operations: ['cognito-identity:GetOpenIdTokenForDeveloperIdentity'],
    perSecond: CognitoIdentityQuotas.getOpenIdTokenForDeveloperIdentityRps,
    adjustable: true,
    page: QuotaPages.cognito,
  },
  { name: 'GetCredentialsForIdentity', operations: ['cognito-identity:GetCredentialsForIdentity'], perSecond: CognitoIdentityQuotas.getCredentialsForIdentityRps, adjustable: true, page: QuotaPages.cognito },
  { name: 'LookupDeveloperIdentity', operations: ['cognito-identity:LookupDeveloperIdentity'], perSecond: CognitoIdentityQuotas.lookupDeveloperIdentityRps, adjustable: undefined, page: QuotaPages.lookupDeveloperIdentity },
  { name: 'DeleteIdentities', operations: ['cognito-identity:DeleteIdentities'], perSecond: CognitoIdentityQuotas.deleteIdentitiesRps, adjustable: true, page: QuotaPages.cognito },
  { name: 'Step Functions StartExecution', operations: ['states:StartExecution'], perSecond: StepFunctionsQuotas.startExecutionPerSecond, adjustable: true, page: QuotaPages.stepFunctions },
  { name: 'Step Functions state transitions', operations: [METERED.stateTransition], perSecond: StepFunctionsQuotas.stateTransitionsPerSecond, adjustable: true, page: QuotaPages.stepFunctions },
  { name: 'Step Functions SendTaskSuccess', operations: ['states:SendTaskSuccess'], perSecond: StepFunctionsQuotas.sendTaskSuccessPerSecond, adjustable: true, page: QuotaPages.stepFunctions },
];

/** Per-operation calls of each thing a user does, as measured by the benchmark phases. */
export interface MeasuredCalls {
  readonly signInNew: CallCounts;
  readonly signInReturning: CallCounts;
  readonly tokenRefresh: CallCounts;
  readonly sigv4Reconnect: CallCounts;
  /** One CONNECT through the custom authorizer; a policy refresh is the same invocation without the CONNECT. */
  readonly authorizerConnect: CallCounts;
  /** A command with every API cache cold (trust, identity credentials, ownership). */
  readonly commandFirst: CallCounts;
  readonly commandWarm: CallCounts;
  /** What a command adds once the trust window has passed. */
  readonly trustMiss: CallCounts;
  /** What a command adds once the ownership cache has expired. */
  readonly ownershipMiss: CallCounts;
  readonly offboarding: CallCounts;
}

/** The phases the model reads (a `BenchResults` fits). */
export interface CapacityResults {
  readonly onboarding?: OnboardingFigures;
  readonly commands?: CommandFigures;
  readonly lifecycle?: LifecycleFigures;
}

/** Calls in `a` beyond those in `b`, operation by operation (none below zero). */
function beyond(a: CallCounts, b: CallCounts): CallCounts {
  return Object.fromEntries(Object.entries(a).map(([op, n]): [string, number] => [op, Math.max(0, n - (b[op] ?? 0))]).filter(([, n]) => n > 0));
}

/** The measured inputs, or which phases are missing for them. */
export function measuredCalls({ onboarding, commands, lifecycle }: CapacityResults): MeasuredCalls | { readonly missing: readonly string[] } {
  const missing = Object.entries({ onboarding: onboarding?.sessionCalls, commands: commands?.callsPerCommand, lifecycle: lifecycle?.authorizer })
    .filter(([, figure]) => figure === undefined)
    .map(([phase]) => phase);
  if (!onboarding || !commands || !lifecycle || missing.length > 0) return { missing };
  const s = onboarding.sessionCalls;
  return {
    signInNew: s.newUser,
    signInReturning: s.returningUser,
    tokenRefresh: s.tokenRefresh,
    sigv4Reconnect: s.reconnect,
    authorizerConnect: lifecycle.authorizer.callsPerConnect,
    commandFirst: commands.handler.firstCallCalls,
    commandWarm: commands.callsPerCommand,
    trustMiss: beyond(lifecycle.trust.revalidatingCalls, lifecycle.trust.warmCalls),
    ownershipMiss: beyond(commands.handlerColdOwnership.callsPerCall, commands.handler.callsPerCall),
    offboarding: lifecycle.deletion.callsPerOffboarding,
  };
}

const scaled = (calls: CallCounts, times: number): CallCounts => Object.fromEntries(Object.entries(calls).map(([op, n]) => [op, n * times]));

/** The calls of the app's MQTT sessions in an hour: renewals, and the authorizer's refreshes in between. */
function sessionHour(m: MeasuredCalls, u: UsageProfile): CallCounts[] {
  if (u.session === 'sigv4') return [scaled(m.tokenRefresh, u.renewalsPerHour), scaled(m.sigv4Reconnect, u.renewalsPerHour)];
  const invocation = Object.fromEntries(Object.entries(m.authorizerConnect).filter(([op]) => op !== METERED.connect && op !== METERED.inboundPublish));
  const refreshes = Math.max(0, 3600 / u.authorizerRefreshSeconds - u.renewalsPerHour);
  return [scaled(m.tokenRefresh, u.renewalsPerHour), scaled(m.authorizerConnect, u.renewalsPerHour), scaled(invocation, refreshes)];
}

/**
 * The API calls of K evenly spread commands: each pays a trust re-validation and an ownership
 * lookup when it comes after that cache expired (min(K, 3600 / TTL) of them). A SigV4 session's
 * renewal (GET /iot/credentials) has filled the API's identity credentials for the hour; with
 * the custom authorizer nothing has, so the first command fills them (every cache cold).
 */
function commandsHour(m: MeasuredCalls, u: UsageProfile): CallCounts[] {
  const k = u.commandsPerHour;
  if (k <= 0) return [];
  // Commands measured with every cache cold: they already hold their own trust and ownership misses.
  const cold = u.session === 'sigv4' ? 0 : 1;
  const misses = (ttlSeconds: number) => Math.min(k, 3600 / ttlSeconds) - cold;
  const rest = [scaled(m.commandWarm, k - cold), scaled(m.trustMiss, misses(u.trustWindowSeconds)), scaled(m.ownershipMiss, misses(u.ownershipTtlSeconds))];
  return cold ? [m.commandFirst, ...rest] : rest;
}

/** One user's calls in an hour of use: the session's, the commands', and the connections held (the app's and the devices'). */
export function hourOfUse(m: MeasuredCalls, u: UsageProfile = USAGE): CallCounts {
  return addCalls(...sessionHour(m, u), ...commandsHour(m, u), { [HELD_CONNECTIONS]: 1 + u.devicesPerUser });
}

export const SCENARIOS = ['newUser', 'returningUser', 'hourOfUse', 'offboarding'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface CapacityRow {
  readonly quota: AccountQuota;
  /** Calls per new sign-in, per returning sign-in, per user-hour of use (connections held, for a concurrent quota), per offboarding. */
  readonly calls: Readonly<Record<Scenario, number>>;
  /**
   * Where the quota binds: new users or returning sign-ins or offboardings per hour, and users in
   * use at once for `hourOfUse`. Infinity: the scenario does not spend it; undefined: no figure.
   */
  readonly bound: Readonly<Record<Scenario, number | undefined>>;
}

const spent = (calls: CallCounts, quota: AccountQuota) => quota.operations.reduce((sum, op) => sum + (calls[op] ?? 0), 0);

function boundOf(quota: AccountQuota, scenario: Scenario, calls: number): number | undefined {
  const rate = quota.usable?.perSecond ?? quota.perSecond;
  if (!(calls > 0)) return Number.POSITIVE_INFINITY;
  if (rate === undefined) return undefined;
  if (quota.concurrent) return scenario === 'hourOfUse' ? rate / calls : Number.POSITIVE_INFINITY;
  return (rate * 3600) / calls;
}

/** Each quota's calls per scenario and the bound that follows. */
export function capacityRows(m: MeasuredCalls, usage: UsageProfile = USAGE, quotas: readonly AccountQuota[] = ACCOUNT_QUOTAS): CapacityRow[] {
  const perScenario: Record<Scenario, CallCounts> = { newUser: m.signInNew, returningUser: m.signInReturning, hourOfUse: hourOfUse(m, usage), offboarding: m.offboarding };
  return quotas.map((quota) => {
    const calls = Object.fromEntries(SCENARIOS.map((s) => [s, spent(perScenario[s], quota)])) as Record<Scenario, number>;
    const bound = Object.fromEntries(SCENARIOS.map((s) => [s, boundOf(quota, s, calls[s])])) as Record<Scenario, number | undefined>;
    return { quota, calls, bound };
  });
}

/** The quota that binds first in each scenario: the smallest finite bound (none if nothing binds). */
export function bindingFirst(rows: readonly CapacityRow[]): Record<Scenario, { readonly quota: AccountQuota; readonly bound: number } | undefined> {
  const first = (scenario: Scenario) =>
    rows.reduce<{ quota: AccountQuota; bound: number } | undefined>((best, row) => {
      const bound = row.bound[scenario];
      return bound !== undefined && Number.isFinite(bound) && (best === undefined || bound < best.bound) ? { quota: row.quota, bound } : best;
    }, undefined);
  return Object.fromEntries(SCENARIOS.map((s) => [s, first(s)])) as Record<Scenario, { quota: AccountQuota; bound: number } | undefined>;
}
