import * as z from 'zod/mini';
import { identityIdSchema } from '../workflows/offboarding';
import { gateMessageParser, taskTokenSchema } from './answer';

/**
 * The messages the gates' queues carry: the contract between the workflows' ASL (which writes
 * them in `sqs:sendMessage.waitForTaskToken` states), the reconciler and the gate consumers.
 */

/**
 * Attach, detach and device-release gates: AttachPolicy (onboarding.asl.json), DetachPolicy or
 * ReleaseDevices (offboarding.asl.json) for one identity.
 */
export const identityMessageSchema = z.object({ taskToken: taskTokenSchema, identityId: identityIdSchema });
export type IdentityMessage = z.infer<typeof identityMessageSchema>;
export const parseIdentityMessage = gateMessageParser(identityMessageSchema, '{"taskToken": "...", "identityId": "<region>:<guid>"}');

/**
 * User-lookup gate, one of two kinds:
 * - `resolve`: offboarding's ResolveIdentity (offboarding.asl.json) with the execution's input;
 *   the answer is the resolved identity and user state.
 * - `check`: the reconciler asks whether an identity holding the policy still has an enabled user,
 *   and to start its offboarding (named for `windowStart`) when not. Nobody waits for the answer.
 */
export const userLookupMessageSchema = z.union([
  z.object({ taskToken: taskTokenSchema, input: z.unknown() }),
  z.object({ check: z.object({ identityId: identityIdSchema, windowStart: z.iso.datetime() }) }),
]);
export type UserLookupMessage = z.infer<typeof userLookupMessageSchema>;
export const parseUserLookupMessage = gateMessageParser(
  userLookupMessageSchema,
  '{"taskToken": "...", "input": {offboarding input}} or {"check": {"identityId": "<region>:<guid>", "windowStart": "<ISO 8601>"}}',
);

/** What a dead-lettered message of any gate can tell: the waiting execution, if any, and whom it was about. */
export const deadLetterSchema = z.object({
  taskToken: z.optional(taskTokenSchema),
  identityId: z.optional(z.string()),
  input: z.optional(z.object({ sub: z.optional(z.string()), identityId: z.optional(z.string()) })),
  check: z.optional(z.object({ identityId: z.string() })),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;
export const parseDeadLetter = gateMessageParser(deadLetterSchema, 'a gate message, {"taskToken": "...", ...}');
