/** Exit codes of `npm run admin` (also in docs/operations.md). */
export const ExitCodes = {
  Ok: 0,
  /** An AWS call failed, a target is missing, a user or execution does not exist. */
  Failed: 1,
  /** The command line is wrong. */
  Usage: 2,
  /** `diagnose`: IoT would deny the action. `redrive`: some executions could not be redriven. */
  Denied: 3,
} as const;

/** A failure the CLI reports as one line, with an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCodes.Failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface Output {
  readonly json: boolean;
  /** The command's result: a table (human) or the value itself (--json). */
  result(value: unknown, human: () => string): void;
  /** Progress for long runs; stderr, so --json stdout stays parseable. */
  progress(line: string): void;
  /** One line on a part of the result that is missing (the rest stands); stderr, with --json too. */
  warn(line: string): void;
}

export function createOutput(json: boolean, stdout = process.stdout, stderr = process.stderr): Output {
  return {
    json,
    result(value, human) {
      stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
    progress(line) {
      if (!json && stderr.isTTY) stderr.write(`\r${line}`);
      else if (!json) stderr.write(`${line}\n`);
    },
    warn(line) {
      stderr.write(`warning: ${line}\n`);
    },
  };
}

/** A plain-text table: columns padded to their widest cell. */
export function table(headers: string[], rows: Array<Array<string | number | undefined>>): string {
  if (rows.length === 0) return '(none)';
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === undefined ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

/** Parses `24h`, `30m`, `7d` into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text);
  if (!match) throw new CliError(`"${text}" is not a duration: use e.g. 30m, 24h or 7d`, ExitCodes.Usage);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** Turns an AWS SDK or transport error into one line an operator can act on. */
export function describeAwsFailure(error: unknown): string {
  const e = error as { name?: string; message?: string };
  switch (e.name) {
    case 'CredentialsProviderError':
      return 'No AWS credentials found: configure a profile (AWS_PROFILE) or environment credentials, or point the CLI at the sandbox (npm start -- --serve prints the variables).';
    case 'ExecutionDoesNotExist':
      return `Execution does not exist: ${e.message ?? ''}`.trim();
    case 'InvalidArn':
      return `Invalid ARN: ${e.message ?? ''}`.trim();
    case 'UserNotFoundException':
      return 'No such user in the user pool.';
    case 'ResourceNotFoundException':
      return `Not found: ${e.message ?? ''}`.trim();
    case 'ExpiredTokenException':
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
      return `AWS refused the credentials (${e.name}): ${e.message ?? ''}`.trim();
    default:
      if ((e as { code?: string }).code === 'ECONNREFUSED') return `Cannot reach the endpoint (${e.message ?? 'connection refused'}). Is the sandbox running?`;
      return `${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
  }
}
