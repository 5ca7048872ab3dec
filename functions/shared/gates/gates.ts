import { CognitoQuotas, IotQuotas, ListUsersShares } from '../aws/quotas';

/**
 * The quota gates (design section 10): one queue and one paced consumer per account-wide quota
 * that a crowd of executions would otherwise fight over. Every figure a gate's parts share lives
 * here: CDK builds the queue, the event source mapping and the consumer from it, the consumer
 * paces itself with it, and the sandbox deploys the same.
 *
 * Why these values:
 * - `ratePerSecond` below the quota leaves headroom for the account's other callers (operators,
 *   device registration, another stack); the adaptive pacer handles what they still take.
 * - `maxConcurrency` 2: the event source mapping's minimum `MaximumConcurrency`
 *   (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html). Each concurrent
 *   invocation paces itself at `ratePerSecond / maxConcurrency`, so together they never exceed
 *   the rate. Not reserved concurrency 1: the SQS poller would be throttled and messages would
 *   bounce to the dead-letter queue (same page).
 * - `batchSize` 10 at 6 calls a second per consumer is under 2 s of work per invocation, and a
 *   batch slowed to the pacer's floor still ends well within `timeoutSeconds`.
 * - `visibilityTimeoutSeconds` = 6 × the function timeout, as AWS recommends for an SQS event
 *   source (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html): a message of a crashed
 *   invocation returns after that, and attach is idempotent.
 * - `maxReceiveCount` 5: a message that failed five deliveries goes to the dead-letter queue,
 *   whose consumer fails its execution with `GateDeadLettered` (redrivable).
 * - `waitTimeoutSeconds`: how long an execution waits for its turn (the task's TimeoutSeconds).
 *   Six hours drain about 250,000 users at 12 a second; beyond that the execution fails visibly
 *   with States.Timeout at AttachPolicy, for a redrive.
 */
export interface QuotaGate {
  readonly name: 'attach' | 'detach' | 'user-lookup' | 'device-release';
  readonly quotaPerSecond: number;
  /** Messages per second the gate serves. */
  readonly ratePerSecond: number;
  /** Calls of the quota one message costs (the rate is in messages; the quota in calls). */
  readonly callsPerMessage: number;
  readonly maxConcurrency: number;
  readonly batchSize: number;
  readonly timeoutSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly waitTimeoutSeconds: number;
}

const FUNCTION_TIMEOUT_SECONDS = 60;

/** What every gate shares: the consumer's shape, its redelivery and how long an execution waits. */
const CONSUMER = {
  callsPerMessage: 1,
  maxConcurrency: 2,
  batchSize: 10,
  timeoutSeconds: FUNCTION_TIMEOUT_SECONDS,
  visibilityTimeoutSeconds: 6 * FUNCTION_TIMEOUT_SECONDS,
  maxReceiveCount: 5,
  waitTimeoutSeconds: 6 * 3600,
} as const;

/** Onboarding's AttachPolicy (statemachines/onboarding.asl.json, AttachPolicy). */
export const AttachGate: QuotaGate = { name: 'attach', quotaPerSecond: IotQuotas.attachPolicyTps, ratePerSecond: 12, ...CONSUMER };

/** Offboarding's DetachPolicy (statemachines/offboarding.asl.json, DetachPolicy): its own 15 TPS quota. */
export const DetachGate: QuotaGate = { name: 'detach', quotaPerSecond: IotQuotas.detachPolicyTps, ratePerSecond: 12, ...CONSUMER };

/**
 * Cognito `ListUsers` (category UserList, 30 RPS, not adjustable): offboarding's ResolveIdentity
 * and the reconciler's checks, one ListUsers each. 20 leaves a third of the quota to the account's
 * other callers (the console, an operator's `admin redrive`, another product). Each message also
 * costs one LookupDeveloperIdentity (Cognito identity pools), whose quota is far from 20.
 */
export const UserLookupGate: QuotaGate = { name: 'user-lookup', quotaPerSecond: CognitoQuotas.userListRps, ratePerSecond: ListUsersShares.gate, ...CONSUMER };

/**
 * IoT `ListThings` (10 TPS, adjustable): offboarding's ReleaseDevices lists the devices the
 * leaving identity owns and the releases it left half done (two calls), then releases each. 4
 * messages a second spend 8 of the 10, leaving the rest to operators (`admin devices list`).
 */
export const DeviceReleaseGate: QuotaGate = { name: 'device-release', quotaPerSecond: IotQuotas.listThingsTps, ...CONSUMER, ratePerSecond: 4, callsPerMessage: 2 };

/** Every gate by its name: CDK, the sandbox, the admin CLI and the dead-letter consumer look them up here. */
export const QUOTA_GATES = { attach: AttachGate, detach: DetachGate, 'user-lookup': UserLookupGate, 'device-release': DeviceReleaseGate } as const;
export type GateName = keyof typeof QUOTA_GATES;
export const GATE_NAMES = Object.keys(QUOTA_GATES) as GateName[];

/** The pace one consumer invocation keeps: the gate's rate shared by its concurrent invocations. */
export const perConsumerRate = (gate: QuotaGate, ratePerSecond = gate.ratePerSecond) => ratePerSecond / gate.maxConcurrency;

/** A configured rate the gate can run at: above 0 and below the quota (headroom for other callers). */
export function gateRateProblem(gate: QuotaGate, ratePerSecond: number): string | undefined {
  if (ratePerSecond > 0 && ratePerSecond * gate.callsPerMessage < gate.quotaPerSecond) return undefined;
  const per = gate.callsPerMessage === 1 ? '' : ` (${gate.callsPerMessage} calls per message)`;
  return `The ${gate.name} gate's rate must be above 0 and below the ${gate.quotaPerSecond} per second quota it shares with the account${per}; got ${ratePerSecond}`;
}

/** The rate a consumer runs at: its GATE_RATE setting, or the gate's default; refuses a rate the gate cannot use. */
export function configuredGateRate(gate: QuotaGate, setting: string | undefined): number {
  if (setting !== undefined && !/^\d+(\.\d+)?$/.test(setting)) throw new Error(`GATE_RATE must be calls per second (a number), got "${setting}"`);
  const rate = setting === undefined ? gate.ratePerSecond : Number(setting);
  const problem = gateRateProblem(gate, rate);
  if (problem) throw new Error(problem);
  return rate;
}

/** Where a deployed gate is and the rate it was given: the `QuotaGates` stack output holds one per gate. */
export interface GateEndpoints {
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly ratePerSecond: number;
}

export type QuotaGatesOutput = Readonly<Record<GateName, GateEndpoints>>;
