import { fileURLToPath } from 'node:url';

/** Repository root, resolved from this file so synthesis works from any working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

export function functionEntry(source: string): string {
  return `${PROJECT_ROOT}/functions/${source}/handler.ts`;
}
