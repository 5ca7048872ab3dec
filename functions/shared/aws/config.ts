import * as z from 'zod/mini';
import { ConfigurationError } from './errors';

/**
 * Reads and checks a function's environment once, at cold start. A missing or malformed
 * variable fails with its name and what was expected, never later with `undefined`.
 */
export function loadConfig<S extends Record<string, z.ZodMiniType<unknown, unknown>>>(
  shape: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodMiniObject<S>> {
  const parsed = z.object(shape).safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.');
    return env[name] === undefined || env[name] === ''
      ? `${name} is not set (${issue.message})`
      : `${name} is invalid: ${issue.message}`;
  });
  throw new ConfigurationError(`Missing or invalid configuration: ${problems.join('; ')}`);
}

/** Common variable schemas, so every function spells the same setting the same way. */
export const ConfigVars = {
  arn: (service: string) =>
    z.string().check(z.regex(new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:.+`), `expected an ${service} ARN`)),
  identityPoolId: () => z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f-]{36}$/, 'expected region:guid')),
  userPoolId: () => z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/, 'expected region_id')),
  region: () => z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region such as eu-west-1')),
  url: () => z.url({ error: 'expected an https URL' }),
  onboardingVersion: () =>
    // `off-…` is the offboarded marker (functions/shared/workflows/onboarding.ts), never a version.
    z.string().check(z.regex(/^(?!off-)[A-Za-z0-9_.-]{1,16}$/, 'expected 1-16 characters of A-Z a-z 0-9 _ . -, not starting with off-')),
  providerName: () => z.string().check(z.regex(/^[\w._-]{1,128}$/, 'expected a developer provider name')),
  /** Optional whole seconds (1-3600), e.g. `TRUST_REVALIDATE_SECONDS`; read with {@link secondsOr}. */
  optionalSeconds: () => z.optional(z.string().check(z.regex(/^(?:[1-9]\d{0,2}|[1-2]\d{3}|3[0-5]\d{2}|3600)$/, 'expected whole seconds from 1 to 3600'))),
} as const;

/** The value of an {@link ConfigVars.optionalSeconds} variable, or the default when unset. */
export function secondsOr(value: string | undefined, fallback: number): number {
  return value === undefined ? fallback : Number(value);
}
