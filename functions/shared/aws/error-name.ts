/** The `name` of anything thrown (SDK errors, our named errors, strings), without casts at call sites. */
export function errorName(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string') return error.name;
  return typeof error === 'string' ? error : 'Error';
}

/** The message of anything thrown (errors, strings, other values), without casts at call sites. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
