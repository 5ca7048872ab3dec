/**
 * Errors with stable names. The names are a contract: the ASL's `Retry`/`Catch` `ErrorEquals`
 * match on them (Step Functions uses a Lambda error's `errorType`, which is the thrown error's
 * `name`), the sandbox's Step Functions emulator does the same, and operators grep logs for them.
 */
export const ErrorNames = {
  Configuration: 'ConfigurationError',
  InvalidInput: 'InvalidInput',
  UpstreamThrottled: 'UpstreamThrottled',
  UpstreamUnavailable: 'UpstreamUnavailable',
  UpstreamRejected: 'UpstreamRejected',
  IdentityMismatch: 'IdentityMismatch',
  CleanupIncomplete: 'CleanupIncomplete',
  /** A quota gate's message failed every delivery and reached the dead-letter queue (SendTaskFailure). */
  GateDeadLettered: 'GateDeadLettered',
  /** An adopted pool already runs another post-authentication trigger and chaining was not asked for. */
  PoolTriggerConflict: 'PoolTriggerConflict',
  /** Updating an adopted pool's trigger changed another of its settings (verified by describing again). */
  PoolSettingsChanged: 'PoolSettingsChanged',
  /** An adopted pool lacks the product's custom attributes and the operator did not consent to adding them (permanent). */
  PoolAttributesMissing: 'PoolAttributesMissing',
  /** An adopted pool's own post-authentication trigger, chained after the product's, failed: the sign-in fails. */
  ChainedTriggerFailed: 'ChainedTriggerFailed',
} as const;

export type ErrorName = (typeof ErrorNames)[keyof typeof ErrorNames];

/** Errors the onboarding workflow retries (see `statemachines/onboarding.asl.json`). */
export const RETRYABLE_ERROR_NAMES: readonly ErrorName[] = [
  ErrorNames.UpstreamThrottled,
  ErrorNames.UpstreamUnavailable,
];

/**
 * The base of an error class whose every instance has the stable `name` given (the name the ASL
 * matches and the logs show), so each class below is one line and cannot get its name wrong.
 */
export function namedError<N extends string>(name: N) {
  return class extends Error {
    override readonly name: N = name;
    constructor(message: string, options?: { cause?: unknown }) {
      super(message, options);
    }
  };
}

/** A required setting is missing or malformed; raised once, at cold start. */
export class ConfigurationError extends namedError(ErrorNames.Configuration) {}

/** The event or request does not have the expected shape. Never retried. */
export class InvalidInputError extends namedError(ErrorNames.InvalidInput) {}

/** An AWS dependency throttled the call. Retried with backoff. */
export class UpstreamThrottledError extends namedError(ErrorNames.UpstreamThrottled) {}

/** An AWS dependency failed transiently (5xx, timeout, network). Retried with backoff. */
export class UpstreamUnavailableError extends namedError(ErrorNames.UpstreamUnavailable) {}

/** An AWS dependency refused the call for a reason retrying will not fix. */
export class UpstreamRejectedError extends namedError(ErrorNames.UpstreamRejected) {}

/**
 * An identity id and a user-pool `sub` that do not belong together (offboarding input naming an
 * identity linked to another user). Never retried: acting on it would touch another user.
 */
export class IdentityMismatchError extends namedError(ErrorNames.IdentityMismatch) {}

/**
 * The stack-deletion cleanup stopped before the product's IoT policies were gone (its time budget
 * ran out, targets kept being attached, or DeletePolicy kept answering DeleteConflict). The custom
 * resource answers FAILED with it; deleting the stack again goes on where it stopped.
 */
export class CleanupIncompleteError extends namedError(ErrorNames.CleanupIncomplete) {}

/** An adopted pool's post-authentication trigger is another function; the operator did not opt in to chaining it. */
export class PoolTriggerConflictError extends namedError(ErrorNames.PoolTriggerConflict) {}

/** After attaching or removing the trigger, another setting of the pool differed from before. */
export class PoolSettingsChangedError extends namedError(ErrorNames.PoolSettingsChanged) {}

/** The adopted pool lacks the product's custom attributes; adding them is permanent, so only with consent. */
export class PoolAttributesMissingError extends namedError(ErrorNames.PoolAttributesMissing) {}

/** The adopted pool's own post-authentication trigger failed; the sign-in fails, as it did before adoption. */
export class ChainedTriggerFailedError extends namedError(ErrorNames.ChainedTriggerFailed) {}
