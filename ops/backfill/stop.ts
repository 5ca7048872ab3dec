import type { Output } from '../output';

/**
 * Runs `work` with a stop request wired to Ctrl-C: the first SIGINT lets the current page finish
 * and its checkpoint be written; a second one exits at once (130, as a shell reports SIGINT),
 * which at most handles that page again on resume.
 */
export async function withStopRequest<T>(out: Output, work: (shouldStop: () => boolean) => Promise<T>): Promise<T> {
  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(130);
    stop = true;
    out.warn('stopping after this page, once its checkpoint is written (Ctrl-C again to stop now)');
  };
  process.on('SIGINT', onSigint);
  try {
    return await work(() => stop);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
