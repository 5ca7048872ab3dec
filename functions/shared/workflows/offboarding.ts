import type { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { ensureExecution, type EnsureAction } from './executions';

/** Why a user is offboarded; part of the execution name and input. */
export const OffboardingReasons = {
  /** AdminDeleteUser or DeleteUser (CloudTrail event). */
  Deleted: 'deleted',
  /** AdminDisableUser (CloudTrail event), or the reconciler found the user disabled. */
  Disabled: 'disabled',
  /** The reconciler found an identity holding the policy whose user does not exist. */
  Orphan: 'orphan',
  /** An operator ran `npm run admin -- offboard`. */
  Operator: 'operator',
} as const;
export type OffboardingReason = (typeof OffboardingReasons)[keyof typeof OffboardingReasons];

export const IDENTITY_ID_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f-]{36}$/;

/** An Identity ID as the identity pool writes it (`region:guid`). */
export const identityIdSchema = z.string().check(z.regex(IDENTITY_ID_PATTERN, 'expected an Identity ID (region:guid)'));

/**
 * Execution input: the user-pool `sub`, the identity id, or both. The workflow resolves the
 * identity by `sub` alone (LookupDeveloperIdentity, never linking) and checks that a given
 * identity id belongs to that `sub`.
 */
export const offboardingInputSchema = z
  .object({
    sub: z.optional(z.uuid()),
    identityId: z.optional(identityIdSchema),
    reason: z.enum(Object.values(OffboardingReasons) as [OffboardingReason, ...OffboardingReason[]]),
  })
  .check(z.refine((input) => input.sub !== undefined || input.identityId !== undefined, 'sub or identityId is required'));
export type OffboardingInput = z.infer<typeof offboardingInputSchema>;

/**
 * `offboard-<sub or identity guid>-<reason>-<epoch seconds>`: the same for every delivery of one
 * lifecycle event (EventBridge delivers at least once; the time is the CloudTrail event's), so
 * duplicates converge on one execution, while a user disabled again after re-enabling gets a new
 * one. At most 80 characters (StartExecution's name limit); no `:` (not allowed in names).
 */
export function offboardingExecutionName(input: OffboardingInput, at: Date): string {
  const who = input.sub ?? (input.identityId ?? '').split(':')[1] ?? '';
  return `${offboardingExecutionPrefix(who)}${input.reason}-${Math.floor(at.getTime() / 1000)}`;
}

/** Every offboarding execution name of one sub or identity guid begins so (`offboardingExecutionName`, and its replacements). */
export function offboardingExecutionPrefix(who: string): string {
  return `offboard-${who}-`;
}

/**
 * Who, why and when, read back from a name `offboardingExecutionName` made (a replacement's
 * `-r<epoch>` suffix too); undefined for any other name.
 */
export function parseOffboardingExecutionName(name: string): { who: string; reason: OffboardingReason; at: Date } | undefined {
  const reasons = Object.values(OffboardingReasons).join('|');
  const match = new RegExp(`^offboard-(.+)-(${reasons})-(\\d{1,12})(?:-r\\d{1,12})?$`).exec(name);
  if (!match) return undefined;
  return { who: match[1] as string, reason: match[2] as OffboardingReason, at: new Date(Number(match[3]) * 1000) };
}

/** Deterministic input: fixed key order, no undefined members. */
export function offboardingInput(input: OffboardingInput): OffboardingInput {
  return {
    ...(input.sub ? { sub: input.sub } : {}),
    ...(input.identityId ? { identityId: input.identityId } : {}),
    reason: input.reason,
  };
}

/**
 * Ensures the offboarding execution for this input and moment (start, or redrive a failed one,
 * or replace one that can no longer be redriven): the lifecycle handler, the reconciler and the
 * admin CLI all start offboarding through here.
 */
export function startOffboarding(
  sfn: Pick<SFNClient, 'send'>,
  stateMachineArn: string,
  input: OffboardingInput,
  at: Date,
  abortSignal?: AbortSignal,
): Promise<EnsureAction> {
  return ensureExecution(sfn, {
    stateMachineArn,
    name: offboardingExecutionName(input, at),
    input: offboardingInput(input),
    ...(abortSignal ? { abortSignal } : {}),
  });
}
