import * as z from 'zod/mini';
import { InvalidInputError } from '../aws/errors';
import { identityIdSchema } from './offboarding';

/** The input of the offboarding tasks that act on the resolved identity alone. */
export const identityTaskInputSchema = z.object({ identityId: identityIdSchema });

/**
 * A workflow task's input, parsed at the edge: anything else is InvalidInput (never retried by
 * the ASL), saying what the task expects, which member was wrong and how.
 */
export function parseTaskInput<S extends z.ZodMiniType>(schema: S, event: unknown, expects: string): z.infer<S> {
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new InvalidInputError(`${expects}: ${where}${issue?.message ?? 'invalid input'}`);
}
