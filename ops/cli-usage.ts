/**
 * Command-line mistakes as one line, for `npm run admin` and `npm start` alike: what was wrong and,
 * when the mistake is a likely typo, the nearest valid name. A mistyped flag should not bury its
 * own diagnosis under the whole help text.
 */

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
 * two neighbours (the commonest typo, `--sreve`) each cost one.
 */
function typoDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate `word` is most likely a typo of: the closest within a third of its length (one
 * edit for short words, at most three), else the only candidate it is a prefix of (3+ characters).
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const allowed = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = typoDistance(word, candidate);
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  if (best) return best.candidate;
  const extended = candidates.filter((c) => word.length >= 3 && c.startsWith(word));
  return extended.length === 1 ? extended[0] : undefined;
}

const didYouMean = (suggestion: string | undefined) => (suggestion ? ` (did you mean ${suggestion}?)` : '');

/**
 * What `util.parseArgs` refused, in one line: an unknown option names the nearest of `flags` (long
 * names, without dashes); a stray word that is a flag without its dashes says so. Node's own
 * message for an unknown option is a paragraph about positionals; this is what a person needs.
 */
export function parseArgsProblem(error: unknown, flags: readonly string[]): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = message ?? String(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /Unknown option '([^']+)'/.exec(text)?.[1] ?? text;
    const long = /^--([^=]+)/.exec(option)?.[1];
    return `unknown option ${option}${didYouMean(long === undefined ? undefined : withDashes(nearest(long, flags)))}`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const word = /Unexpected argument '([^']+)'/.exec(text)?.[1] ?? text;
    return `unexpected argument "${word}"${didYouMean(withDashes(nearest(word.replace(/^-+/, ''), flags)))}`;
  }
  // ERR_PARSE_ARGS_INVALID_OPTION_VALUE: "Option '--outputs-file <value>' argument missing" says it already.
  return text.replace(/\.$/, '');
}

const withDashes = (flag: string | undefined) => (flag === undefined ? undefined : `--${flag}`);

/** An unknown command, with the nearest one when it looks like a typo. */
export function unknownCommandProblem(name: string, commands: readonly string[]): string {
  return `Unknown command "${name}"${didYouMean(nearest(name, commands))}`;
}
