import { handlerPath, type LambdaName } from '../functions/handlers';
import { fileURLToPath } from 'node:url';

/** Repository root, resolved from this file so synthesis works from any working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** The absolute entry of a product Lambda (the one list: functions/handlers.ts). */
export function functionEntry(name: LambdaName): string {
  return `${PROJECT_ROOT}/${handlerPath(name)}`;
}
