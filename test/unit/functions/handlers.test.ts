import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handlerPath, LAMBDA_NAMES } from '../../../functions/handlers';
import { LAMBDA_SOURCES } from '../../../lib/bundling';
import { functionEntry, PROJECT_ROOT } from '../../../lib/paths';

/** Every handler.ts under functions/, as a path from the repository root. */
function handlerFiles(dir = join(PROJECT_ROOT, 'functions')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return handlerFiles(path);
    return name === 'handler.ts' ? [relative(PROJECT_ROOT, path)] : [];
  });
}

describe('the one list of Lambda handlers (functions/handlers.ts)', () => {
  it('names every handler.ts under functions/, so CDK, the sandbox and the benchmark deploy and measure them all', () => {
    expect(LAMBDA_NAMES.map(handlerPath).sort()).toEqual(handlerFiles().sort());
  });

  it('is what the CDK entry paths and the benchmark read', () => {
    expect([...LAMBDA_SOURCES]).toEqual(LAMBDA_NAMES);
    for (const name of LAMBDA_NAMES) expect(existsSync(functionEntry(name))).toBe(true);
  });
});
