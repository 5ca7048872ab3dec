import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { errorMessage, errorName } from '../aws/error-name';
import type { Log } from '../observability/logging';
import type { GateOutcome, SqsRecord } from './batch';

/** Step Functions' largest `cause` (SendTaskFailure): https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html */
const MAX_CAUSE = 32_768;

/** The answers a token's task no longer waits for: it timed out, the execution was stopped, or a redelivered duplicate was already answered. */
const NOT_WAITING = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Answers a waiting execution: `SendTaskSuccess` with `output`, or `SendTaskFailure` with a named
 * error. A token whose task no longer waits is done with (the workflow's own timeout, or an earlier
 * answer, decided it): https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 * Step Functions' own throttling or a 5xx is `transient`: the gate's pace is left alone.
 */
export async function answerTask(
  sfn: Pick<SFNClient, 'send'>,
  log: Log,
  taskToken: string,
  answer: { readonly output: unknown } | { readonly error: string; readonly cause: string },
): Promise<GateOutcome> {
  try {
    if ('output' in answer) await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(answer.output) }));
    else await sfn.send(new SendTaskFailureCommand({ taskToken, error: answer.error, cause: answer.cause.slice(0, MAX_CAUSE) }));
    return 'done';
  } catch (error) {
    const name = errorName(error);
    if (NOT_WAITING.has(name)) {
      log.warn('The execution no longer waits for this answer', { error: name });
      return 'done';
    }
    return 'transient';
  }
}

/** The failure answer for an AWS error the SDK integration would have reported as `<Service>.<Exception>`. */
export function failedCall(service: string, error: unknown) {
  return { error: `${service}.${errorName(error)}`, cause: errorMessage(error) };
}

/**
 * A parser for one gate's messages: the body must be JSON matching `schema`, or the message is
 * refused with what was wrong and what was expected (it then goes to the dead-letter queue).
 */
export function gateMessageParser<S extends z.ZodMiniType>(schema: S, expected: string): (record: SqsRecord) => z.infer<S> {
  return (record) => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      throw new Error(`The message body is not JSON; expected ${expected}`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new Error(`The message is not ${expected}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
  };
}

export const taskTokenSchema = z.string().check(z.minLength(1));
