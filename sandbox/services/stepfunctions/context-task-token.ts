import { randomUUID } from 'node:crypto';

/**
 * What `$$.Task.Token` reads in the context object aws-local-stepfunctions evaluates paths
 * against. The library has one context object per run, while AWS gives every attempt of a
 * callback task its own token ("Get a Token from the Context Object",
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#wait-token-contextobject):
 * the runner puts this placeholder there, and each attempt replaces it in its processed
 * Parameters with the token it was given, before anything sees them.
 */
export const TASK_TOKEN_PLACEHOLDER = `sandbox-task-token-placeholder-${randomUUID()}`;

/** The Parameters with every occurrence of the placeholder (whole value or inside a string) replaced by `token`. */
export function withTaskToken(parameters: unknown, token: string): unknown {
  if (typeof parameters === 'string') return parameters.replaceAll(TASK_TOKEN_PLACEHOLDER, token);
  if (Array.isArray(parameters)) return parameters.map((value: unknown) => withTaskToken(value, token));
  if (typeof parameters === 'object' && parameters !== null) {
    return Object.fromEntries(Object.entries(parameters).map(([key, value]) => [key, withTaskToken(value, token)]));
  }
  return parameters;
}

/** Whether the processed Parameters use `$$.Task.Token` (the placeholder is in them). */
export function mentionsTaskToken(parameters: unknown): boolean {
  return JSON.stringify(parameters ?? null).includes(TASK_TOKEN_PLACEHOLDER);
}
