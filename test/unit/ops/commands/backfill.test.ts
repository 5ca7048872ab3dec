import {
  CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  InvalidParameterException,
  ListUsersCommand,
  TooManyRequestsException,
  type ListUsersCommandInput,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { DescribeExecutionCommand, ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Checkpoint, CheckpointStore } from '../../../../ops/backfill/checkpoint';
import { emptyCounts } from '../../../../ops/backfill/counts';
import { backfillCommand, type BackfillOptions } from '../../../../ops/commands/backfill';
import { ExitCodes, type Output } from '../../../../ops/output';

const idpMock = mockClient(CognitoIdentityProviderClient);
const sfnMock = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:IotOnboarding-onboarding';
const POOL = 'us-east-1_Pool1';
const clients = { sfn: new SFNClient({ region: 'us-east-1' }), cognitoIdp: new CognitoIdentityProviderClient({ region: 'us-east-1' }) } as never;
const targets = { stateMachineArn: MACHINE, userPoolId: POOL, onboardingVersion: '1' } as never;
const OPTIONS: BackfillOptions = { dryRun: false, rate: 2, startRate: 10, pageSize: 60, restart: false };

const sub = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
function user(n: number, overrides: Partial<UserType> = {}, onboarded?: string): UserType {
  const attributes = [{ Name: 'sub', Value: sub(n) }, ...(onboarded ? [{ Name: 'custom:iot_onboarded', Value: onboarded }] : [])];
  return { Username: `user-${n}`, Enabled: true, UserStatus: 'CONFIRMED', Attributes: attributes, ...overrides };
}

/** The pool as pages: page i answers the token `T<i>` (the first, no token) and names `T<i+1>` unless last. */
function servePages(pages: UserType[][]): void {
  idpMock.on(ListUsersCommand).callsFake((input: ListUsersCommandInput) => {
    const index = input.PaginationToken ? Number(input.PaginationToken.slice(1)) : 0;
    return { Users: pages[index], ...(index + 1 < pages.length ? { PaginationToken: `T${index + 1}` } : {}) };
  });
}
const tokensAsked = () => idpMock.commandCalls(ListUsersCommand).map((c) => c.args[0].input.PaginationToken);
const startedNames = () => sfnMock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name);

/** A fake clock that only sleeping moves: pacing is asserted without waiting. */
function fakeTime() {
  const time = { ms: 0, sleeps: [] as number[] };
  return Object.assign(time, {
    now: () => time.ms,
    sleep: async (ms: number) => {
      time.sleeps.push(ms);
      time.ms += ms;
    },
  });
}

function memoryStore(initial?: Checkpoint): CheckpointStore & { saved: Checkpoint[] } {
  const saved: Checkpoint[] = initial ? [initial] : [];
  return { path: '.backfill-test.json', saved, load: () => saved.at(-1), save: (c) => void saved.push(c) };
}

function recordingOutput() {
  const o = { results: [] as unknown[], progress: [] as string[], warnings: [] as string[] };
  const out: Output = { json: true, result: (v) => void o.results.push(v), progress: (l) => void o.progress.push(l), warn: (l) => void o.warnings.push(l) };
  return Object.assign(o, { out, report: () => o.results[0] as { outcome: string; counts: ReturnType<typeof emptyCounts>; errors: unknown[]; wouldStart: unknown[] } });
}

async function backfill(options: Partial<BackfillOptions> = {}, store = memoryStore(), time = fakeTime()) {
  const o = recordingOutput();
  const code = await backfillCommand(clients, targets, o.out, { ...OPTIONS, ...options }, { sleep: time.sleep, now: time.now, wallClock: () => new Date(0), random: () => 0.5, store });
  return { code, store, time, ...o };
}

describe('admin backfill', () => {
  beforeEach(() => {
    idpMock.reset().on(DescribeUserPoolCommand).resolves({ UserPool: { EstimatedNumberOfUsers: 4 } });
    sfnMock.reset().on(StartExecutionCommand).resolves({ executionArn: `${MACHINE}:x`, startDate: new Date() });
  });

  it('pages ListUsers by PaginationToken, 60 at a time, and starts each user\'s deterministic onboarding', async () => {
    servePages([[user(1), user(2)], [user(3)], [user(4)]]);
    const { code, report } = await backfill();
    expect(code).toBe(ExitCodes.Ok);
    expect(tokensAsked()).toEqual([undefined, 'T1', 'T2']);
    expect(idpMock.commandCalls(ListUsersCommand)[0]?.args[0].input).toMatchObject({ UserPoolId: POOL, Limit: 60, AttributesToGet: ['sub', 'custom:iot_onboarded'] });
    expect(startedNames()).toEqual([1, 2, 3, 4].map((n) => `onboard-${sub(n)}-v1`));
    expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input).toMatchObject({ stateMachineArn: MACHINE, input: JSON.stringify({ username: 'user-1', sub: sub(1), onboardingVersion: '1' }) });
    expect(report()).toMatchObject({ outcome: 'complete', counts: { seen: 4, started: 4 } });
  });

  it('holds ListUsers to --rate pages a second and starts to --start-rate a second', async () => {
    const pageTimes: number[] = [];
    const startTimes: number[] = [];
    const time = fakeTime();
    idpMock.on(ListUsersCommand).callsFake((input: ListUsersCommandInput) => {
      pageTimes.push(time.ms);
      const index = input.PaginationToken ? Number(input.PaginationToken.slice(1)) : 0;
      return { Users: [[user(1), user(2), user(3)], [user(4)], [user(5)]][index], ...(index < 2 ? { PaginationToken: `T${index + 1}` } : {}) };
    });
    sfnMock.on(StartExecutionCommand).callsFake(() => {
      startTimes.push(time.ms);
      return { executionArn: `${MACHINE}:x`, startDate: new Date() };
    });
    await backfill({ rate: 2, startRate: 4 }, memoryStore(), time);
    const gaps = (times: number[]) => times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(Math.min(...gaps(pageTimes))).toBeGreaterThanOrEqual(500);
    expect(Math.min(...gaps(startTimes))).toBeGreaterThanOrEqual(250);
  });

  it('retries a throttled ListUsers with backoff instead of failing', async () => {
    let calls = 0;
    idpMock.on(ListUsersCommand).callsFake(() => {
      if (calls++ === 0) throw new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
      return { Users: [user(1)] };
    });
    const { code, time, report } = await backfill();
    expect(code).toBe(ExitCodes.Ok);
    expect(idpMock.commandCalls(ListUsersCommand)).toHaveLength(2);
    expect(time.sleeps.length).toBeGreaterThan(0);
    expect(report().counts.started).toBe(1);
  });

  it('skips users not confirmed, disabled, or already onboarded at this version, each with its reason', async () => {
    servePages([[user(1, { UserStatus: 'UNCONFIRMED' }), user(2, { Enabled: false }), user(3, {}, '1'), user(4, { UserStatus: 'FORCE_CHANGE_PASSWORD' }), user(5)]]);
    const { report } = await backfill();
    expect(startedNames()).toEqual([`onboard-${sub(5)}-v1`]);
    expect(report().counts).toMatchObject({ seen: 5, started: 1, alreadyOnboarded: 1, skipped: { 'status:UNCONFIRMED': 1, disabled: 1, 'status:FORCE_CHANGE_PASSWORD': 1 } });
  });

  it('onboards a user onboarded at an older version, and an offboarded one under the name the trigger would use', async () => {
    servePages([[user(1, {}, '0'), user(2, {}, 'off-1767225600')]]);
    await backfill();
    expect(startedNames()).toEqual([`onboard-${sub(1)}-v1`, `onboard-${sub(2)}-v1-r1767225600`]);
  });

  it('does not start a second execution for a user whose sign-in started one meanwhile', async () => {
    servePages([[user(1)]]);
    sfnMock.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', executionArn: `${MACHINE}:x`, stateMachineArn: MACHINE, startDate: new Date() });
    const { code, report } = await backfill();
    expect(code).toBe(ExitCodes.Ok);
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(report().counts).toMatchObject({ started: 0, alreadyRunning: 1 });
  });
});

describe('admin backfill checkpoint', () => {
  beforeEach(() => {
    idpMock.reset().on(DescribeUserPoolCommand).resolves({ UserPool: { EstimatedNumberOfUsers: 3 } });
    sfnMock.reset().on(StartExecutionCommand).resolves({ executionArn: `${MACHINE}:x`, startDate: new Date() });
  });

  it('writes the next page\'s token after each page, and marks the file complete after the last', async () => {
    servePages([[user(1)], [user(2)]]);
    const { store } = await backfill();
    expect(store.saved.map((c) => [c.state, c.nextToken, c.pages, c.counts.started])).toEqual([['in-progress', 'T1', 1, 1], ['complete', undefined, 2, 2]]);
    expect(store.saved[0]).toMatchObject({ kind: 'iot-onboarding-backfill', userPoolId: POOL, onboardingVersion: '1' });
  });

  it('stops after --max-pages and a second run resumes at the next page, none lost or repeated', async () => {
    servePages([[user(1)], [user(2)], [user(3)]]);
    const store = memoryStore();
    const first = await backfill({ maxPages: 1 }, store);
    expect(first.report()).toMatchObject({ outcome: 'stopped' });
    const second = await backfill({}, store);
    expect(tokensAsked()).toEqual([undefined, 'T1', 'T2']);
    expect(startedNames()).toEqual([1, 2, 3].map((n) => `onboard-${sub(n)}-v1`));
    expect(second.progress[0]).toMatch(/resuming from .backfill-test.json after page 1/);
    expect(second.report()).toMatchObject({ outcome: 'complete', counts: { seen: 3, started: 3 } });
  });

  it('keeps the checkpoint before a page whose user could not be started, and the next run handles that page again', async () => {
    servePages([[user(1)], [user(2), user(3)]]);
    sfnMock.on(StartExecutionCommand, { name: `onboard-${sub(2)}-v1` }).rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const store = memoryStore();
    const first = await backfill({}, store);
    expect(first.code).toBe(ExitCodes.Failed);
    expect(first.report().errors).toEqual([{ username: 'user-2', reason: expect.stringContaining('AccessDeniedException') }]);
    expect(store.load()).toMatchObject({ state: 'in-progress', nextToken: 'T1', pages: 1 });
    const second = await backfill({}, store);
    expect(second.code).toBe(ExitCodes.Ok);
    expect(tokensAsked()).toEqual([undefined, 'T1', 'T1']);
    expect(store.load()).toMatchObject({ state: 'complete', counts: { seen: 3 } });
  });

  it('starts over from the first page when Cognito refuses the checkpoint\'s stale token, and says so', async () => {
    servePages([[user(1)], [user(2)]]);
    idpMock.on(ListUsersCommand, { PaginationToken: 'old' }).rejects(new InvalidParameterException({ message: 'Paging marker old is invalid for request', $metadata: {} }));
    const store = memoryStore({ kind: 'iot-onboarding-backfill', userPoolId: POOL, onboardingVersion: '1', state: 'in-progress', nextToken: 'old', pages: 7, counts: { ...emptyCounts(), seen: 400 }, startedAt: '', updatedAt: '' });
    const { code, warnings, report } = await backfill({}, store);
    expect(code).toBe(ExitCodes.Ok);
    expect(warnings).toEqual([expect.stringMatching(/refused the pagination token.*starting over from the first page/)]);
    expect(tokensAsked()).toEqual(['old', undefined, 'T1']);
    expect(report()).toMatchObject({ outcome: 'complete', startedOver: true, pages: 2, counts: { seen: 2, started: 2 } });
  });

  it('does nothing when the checkpoint is complete, and goes through the pool again with --restart', async () => {
    servePages([[user(1, {}, '1')]]);
    const done: Checkpoint = { kind: 'iot-onboarding-backfill', userPoolId: POOL, onboardingVersion: '1', state: 'complete', pages: 1, counts: { ...emptyCounts(), seen: 1, started: 1 }, startedAt: '', updatedAt: '2026-01-01T00:00:00.000Z' };
    const idle = await backfill({}, memoryStore(done));
    expect(idle.results[0]).toMatchObject({ outcome: 'already-complete' });
    expect(idpMock.commandCalls(ListUsersCommand)).toHaveLength(0);
    const again = await backfill({ restart: true }, memoryStore(done));
    expect(again.report()).toMatchObject({ outcome: 'complete', counts: { seen: 1, started: 0, alreadyOnboarded: 1 } });
  });

  it('refuses a checkpoint written for another user pool', async () => {
    const other: Checkpoint = { kind: 'iot-onboarding-backfill', userPoolId: 'us-east-1_Other', onboardingVersion: '1', state: 'in-progress', nextToken: 'T1', pages: 1, counts: emptyCounts(), startedAt: '', updatedAt: '' };
    await expect(backfill({}, memoryStore(other))).rejects.toMatchObject({ exitCode: ExitCodes.Usage, message: expect.stringContaining('us-east-1_Other') });
  });
});

describe('admin backfill --dry-run and progress', () => {
  beforeEach(() => {
    idpMock.reset().on(DescribeUserPoolCommand).resolves({ UserPool: { EstimatedNumberOfUsers: 4 } });
    sfnMock.reset();
  });

  it('--dry-run classifies and lists whom it would start, starts nothing, writes no checkpoint, exit 3', async () => {
    servePages([[user(1), user(2, {}, '1')], [user(3, { Enabled: false })]]);
    const { code, store, report } = await backfill({ dryRun: true });
    expect(code).toBe(ExitCodes.Denied);
    expect(sfnMock.calls()).toHaveLength(0);
    expect(store.saved).toHaveLength(0);
    expect(report()).toMatchObject({ wouldStart: [{ username: 'user-1', sub: sub(1) }], counts: { wouldStart: 1, alreadyOnboarded: 1, skipped: { disabled: 1 } } });
  });

  it('reports each page on stderr: seen, started, already onboarded, skipped by reason, pages/s, users/s and an ETA', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE}:x`, startDate: new Date() });
    servePages([[user(1), user(2, { UserStatus: 'UNCONFIRMED' })], [user(3, {}, '1'), user(4)]]);
    idpMock.on(DescribeUserPoolCommand).resolves({ UserPool: { EstimatedNumberOfUsers: 8 } });
    const { progress } = await backfill({ rate: 1, startRate: 10 });
    // The first page goes at once: no pace to measure yet. The second comes a second later (--rate 1).
    expect(progress).toEqual([
      'backfill: page 1, 2 seen, 1 started, 0 already running, 0 already onboarded, 1 skipped (status UNCONFIRMED 1)',
      'backfill: page 2, 4 seen, 2 started, 0 already running, 1 already onboarded, 1 skipped (status UNCONFIRMED 1), 2.0 pages/s, 4.0 users/s, ETA 1s of ~8 users',
    ]);
  });

  it('runs without an ETA when DescribeUserPool is refused, and says why once', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE}:x`, startDate: new Date() });
    idpMock.on(DescribeUserPoolCommand).rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    servePages([[user(1)], [user(2)]]);
    const { code, warnings, progress } = await backfill();
    expect(code).toBe(ExitCodes.Ok);
    expect(warnings).toEqual([expect.stringMatching(/^no ETA: DescribeUserPool failed \(AccessDeniedException/)]);
    expect(progress.join('\n')).not.toContain('ETA');
  });
});
