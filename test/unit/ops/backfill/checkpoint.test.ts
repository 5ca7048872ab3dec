import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileCheckpointStore, type Checkpoint } from '../../../../ops/backfill/checkpoint';
import { emptyCounts } from '../../../../ops/backfill/counts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'backfill-checkpoint-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const CHECKPOINT: Checkpoint = { kind: 'iot-onboarding-backfill', userPoolId: 'us-east-1_Pool1', onboardingVersion: '1', state: 'in-progress', nextToken: 'T1', pages: 1, counts: { ...emptyCounts(), seen: 60, started: 58 }, startedAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:01.000Z' };

describe('backfill checkpoint file', () => {
  it('reads back what it wrote', () => {
    const store = fileCheckpointStore(join(dir, 'cp.json'));
    store.save(CHECKPOINT);
    expect(store.load()).toEqual(CHECKPOINT);
    expect(JSON.parse(readFileSync(join(dir, 'cp.json'), 'utf8'))).toMatchObject({ nextToken: 'T1' });
  });

  it('has no checkpoint when the file does not exist', () => {
    expect(fileCheckpointStore(join(dir, 'none.json')).load()).toBeUndefined();
  });

  it('refuses a file that is not a backfill checkpoint, naming --restart', () => {
    writeFileSync(join(dir, 'other.json'), '{"hello":1}');
    expect(() => fileCheckpointStore(join(dir, 'other.json')).load()).toThrow(/is not a backfill checkpoint.*--restart/);
  });
});
