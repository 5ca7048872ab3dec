/** The demo timeline's printer: elapsed time since start and time since the previous step. */
export function timeline(write: (text: string) => void = (text) => process.stdout.write(text)) {
  const started = performance.now();
  let last = started;
  const ms = (t: number) => `${Math.round(t).toString().padStart(5)} ms`;
  return {
    step(text: string) {
      const now = performance.now();
      write(`${ms(now - started)}  ${text}${now - last > 1 ? `  (${Math.round(now - last)} ms)` : ''}\n`);
      last = now;
    },
    detail: (text: string) => write(`           ${text}\n`),
  };
}

export type Timeline = ReturnType<typeof timeline>;
