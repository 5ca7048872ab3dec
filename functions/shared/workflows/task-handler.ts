import type { Context } from 'aws-lambda';
import { errorMessage, errorName } from '../aws/error-name';
import type { FunctionLog } from '../observability/logging';

/**
 * A Step Functions task handler around a core: adds the Lambda context (request id, cold start)
 * to every log line, logs a failure with its stable name, and rethrows it so the ASL's Retry
 * matches on that name.
 */
export function taskHandler<T>(log: FunctionLog, failure: string, run: (event: unknown) => Promise<T>) {
  return async (event: unknown, context?: Context): Promise<T> => {
    if (context) log.addContext(context);
    try {
      return await run(event);
    } catch (error) {
      log.error(failure, { error: errorName(error), reason: errorMessage(error) });
      throw error;
    }
  };
}
