import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAMBDA_SOURCES } from '../../lib/bundling';
import { PROJECT_ROOT } from '../../lib/paths';

describe('LAMBDA_SOURCES', () => {
  it('names every function under functions/ (each folder with a handler.ts), so the benchmark measures them all', () => {
    const functions = readdirSync(join(PROJECT_ROOT, 'functions')).filter((name) => existsSync(join(PROJECT_ROOT, 'functions', name, 'handler.ts')));
    expect([...LAMBDA_SOURCES].sort()).toEqual(functions.sort());
  });
});
