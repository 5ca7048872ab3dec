import { contextValue, type RequestContext } from './request-context';

/**
 * Policy strings (resources, actions, condition values) with policy variables and wildcards.
 *
 * "AWS IoT Core policy variables" (https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-variables.html):
 * `*` matches any characters and `?` one character, the MQTT wildcards `+` and `#` are literals,
 * and `${*}`, `${?}`, `${$}` stand for literal `*`, `?`, `$`. Neither wildcard stops at `/`
 * (policy resources are strings, not topic levels). IAM: "If the policy variable cannot be
 * resolved, the statement does not match" — an unresolved variable never widens access.
 */

const VARIABLE = /\$\{([^}]*)\}/g;
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/-]/g;

/** IAM/IoT special characters ("IAM policy elements: Variables and tags"). */
const LITERALS: Readonly<Record<string, string>> = { '*': '*', '?': '?', $: '$' };

export interface PatternOptions {
  /** Expand `*` and `?`. False for the exact string operators (StringEquals). */
  readonly wildcards: boolean;
  readonly caseInsensitive: boolean;
}

/**
 * Compiles a policy string into an anchored regex, or undefined when it names a variable that
 * has no value for this request.
 */
export function compilePattern(pattern: string, context: RequestContext, options: PatternOptions): RegExp | undefined {
  let source = '';
  let last = 0;
  const literal = (text: string) => {
    for (const ch of text) {
      if (options.wildcards && ch === '*') source += '.*';
      else if (options.wildcards && ch === '?') source += '.';
      else source += ch.replace(REGEX_SPECIAL, '\\$&');
    }
  };
  for (const match of pattern.matchAll(VARIABLE)) {
    literal(pattern.slice(last, match.index));
    last = match.index + match[0].length;
    const name = match[1] ?? '';
    const value = LITERALS[name] ?? contextValue(name, context);
    if (value === undefined) return undefined;
    // Substituted values are literal: a client id containing `*` must not become a wildcard.
    source += value.replace(REGEX_SPECIAL, '\\$&');
  }
  literal(pattern.slice(last));
  return new RegExp(`^${source}$`, options.caseInsensitive ? 'is' : 's');
}

/** Whether any of the patterns matches; a pattern with an unresolved variable matches nothing. */
export function anyPatternMatches(patterns: readonly string[], value: string, context: RequestContext, options: PatternOptions): boolean {
  return patterns.some((p) => compilePattern(p, context, options)?.test(value) ?? false);
}

/** Whether a pattern names a variable this request cannot resolve. */
export function hasUnresolvedVariable(pattern: string, context: RequestContext): boolean {
  for (const match of pattern.matchAll(VARIABLE)) {
    const name = match[1] ?? '';
    if (LITERALS[name] === undefined && contextValue(name, context) === undefined) return true;
  }
  return false;
}
