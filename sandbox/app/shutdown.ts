/** The signals that stop `npm start -- --serve`: kill's default and Ctrl-C (npm forwards both to its script). */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface StopOptions {
  /** How long closing may take before the process exits anyway (exit code 1), so nothing is left holding ports. Default 10 s. */
  readonly graceMs?: number;
  /** Where the one line about a close that failed or outlasted its grace goes. Default stderr. */
  readonly report?: (line: string) => void;
}

/**
 * Closes the sandbox on SIGTERM or SIGINT, whoever sends them, then exits 0. `close` runs once: a
 * Ctrl-C reaches the process twice (from the terminal and forwarded by npm), and a repeated signal
 * must not cut the close short. A close that throws or hangs past `graceMs` still ends the
 * process (exit code 1), since a sandbox left running holds its fixed ports.
 */
export function stopOnSignals(close: () => Promise<void>, options: StopOptions = {}): void {
  const { graceMs = 10_000, report = (line: string) => process.stderr.write(`${line}\n`) } = options;
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    const deadline = setTimeout(() => {
      report(`The sandbox did not close within ${graceMs} ms of ${signal}; exiting anyway.`);
      process.exit(1);
    }, graceMs);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        clearTimeout(deadline);
        report(`Closing the sandbox after ${signal} failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
}
