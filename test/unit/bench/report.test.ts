import { describe, expect, it } from 'vitest';
import { callsBetween, snapshotCalls, totalCalls } from '../../../bench/aws-calls';
import { failureSummary, mapLimit } from '../../../bench/concurrency';
import type { PeersFigures } from '../../../bench/peers';
import { buildRows, formatTable } from '../../../bench/report';
import { distribution, distributions, percentile } from '../../../bench/stats';
import type { StormFigures } from '../../../bench/storm';
import { FaultInjector } from '../../../sandbox/wire/faults';

const run = { totalMs: 90_000, complete: true, errors: {} };

function storm(overrides: Partial<StormFigures> = {}): StormFigures {
  return {
    users: 1000,
    tps: 50,
    firing: '50 in flight at a time',
    signInsMs: 12_000,
    signInLatencyMs: distribution([5, 6, 7]),
    durationMs: 21_000,
    floorMs: 20_000,
    gateRate: 40,
    gateFloorMs: 25_000,
    targetMs: 26_250,
    onboarded: 1000,
    withoutPolicy: 0,
    failedExecutions: 0,
    unfinished: 0,
    signInFailures: 0,
    missingExecutions: 0,
    failureMessages: [],
    attachPolicy: { calls: 3000, throttled: 2000, callsPerUser: 3 },
    executionsStarted: 1000,
    duplicateWelcomes: 0,
    calls: {},
    transitions: 6000,
    rssBytes: 500 * 1024 * 1024,
    ...overrides,
  };
}

function peers(overrides: Partial<PeersFigures> = {}): PeersFigures {
  return {
    users: 1000,
    tps: 15,
    firing: '50 in flight at a time',
    onError: 'throw',
    retry: 'standard mode, 3 attempts',
    functionTimeoutMs: 3000,
    signInLatencyMs: distribution([1100, 2800, 2950]),
    signInsMs: 26_000,
    signInFailures: 601,
    failureMessages: ['601× UserLambdaValidationException: PostAuthentication failed with error Rate exceeded.'],
    withoutPolicy: 601,
    withoutPolicySignedIn: 0,
    attachPolicy: { calls: 2698, throttled: 2299, callsPerUser: 2.698 },
    trigger: { invocations: 1000, environments: 50, timeouts: 0, errors: 601 },
    setupMs: 1200,
    phaseMs: 28_000,
    ...overrides,
  };
}

describe('percentile', () => {
  it('takes the nearest rank, so p99 of 100 samples is the 99th smallest', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);

    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 50)).toBe(50);
  });

  it('answers NaN for no samples rather than a misleading zero', () => {
    expect(distribution([]).p50).toBeNaN();
  });

  it('keeps the names and their order when it summarises several sets of samples', () => {
    const figures = distributions({ sendMs: [3, 1, 2], totalMs: [10] });

    expect(Object.keys(figures)).toEqual(['sendMs', 'totalMs']);
    expect(figures.sendMs).toEqual(distribution([3, 1, 2]));
    expect(figures.totalMs.max).toBe(10);
  });
});

describe('mapLimit', () => {
  it('never has more than the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;

    await mapLimit(Array.from({ length: 20 }, (_, i) => i), 3, async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      for (let i = 0; i < 3; i++) await Promise.resolve();
      inFlight--;
    });

    expect(most).toBe(3);
  });

  it('keeps input order and records a failure without stopping the other items', async () => {
    const results = await mapLimit([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error('two');
      return n * 10;
    });

    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 'two', 30]);
  });

  it('refuses a limit below one instead of running nothing', async () => {
    await expect(mapLimit([1], 0, async (n) => n)).rejects.toThrow(RangeError);
  });
});

describe('AWS call counting', () => {
  it('reports only the operations whose count changed, with the change', () => {
    const faults = new FaultInjector();
    faults.check('iot:AttachPolicy');
    const before = snapshotCalls(faults);

    faults.check('iot:AttachPolicy');
    faults.check('states:StartExecution');
    faults.check('states:StartExecution');

    expect(callsBetween(before, snapshotCalls(faults))).toEqual({ 'iot:AttachPolicy': 1, 'states:StartExecution': 2 });
  });

  it('sums only the operations the filter keeps', () => {
    expect(totalCalls({ 'states:StartExecution': 2, 'iot:Publish': 5 }, (op) => op.startsWith('states:'))).toBe(2);
  });
});

describe('failureSummary', () => {
  it('groups failures that differ only by the ARN or uuid naming the user', () => {
    const failures = ['5add4a02-b8ad-4d1a-822c-a1424f6b5329', '008ecbf6-b51f-45c2-8b33-74ad35abf200'].map(
      (sub) => new Error(`Execution Does Not Exist: 'arn:aws:states:us-east-1:000000000000:execution:M:onboard-${sub}-v1'`),
    );

    expect(failureSummary(failures)).toEqual(["2× Error: Execution Does Not Exist: '<arn>'"]);
  });
});

describe('report', () => {
  it('misses the storm time target when not every user was onboarded, however fast the rest were', () => {
    const rows = buildRows({ storm: storm({ onboarded: 717, missingExecutions: 283, durationMs: 17_700 }) }, run);

    expect(rows.find((r) => r.metric === 'first sign-in to all executions closed')?.met).toBe(false);
    expect(rows.find((r) => r.metric === 'users onboarded')?.met).toBe(false);
  });

  it('meets the storm targets when all users are onboarded once within 1.2 × N/Q', () => {
    const rows = buildRows({ storm: storm() }, run);

    expect(rows.filter((r) => r.met !== undefined).every((r) => r.met)).toBe(true);
  });

  it('marks a missed target MISSED in its row and names it at the end of the table', () => {
    const table = formatTable(buildRows({ storm: storm({ duplicateWelcomes: 2 }) }, run));

    expect(table).toMatch(/users welcomed twice\s+2 .*0\s+MISSED/);
    expect(table).toContain('Targets missed: Storm (1000 users, AttachPolicy at 50 TPS) / users welcomed twice');
  });

  it('reports a phase that broke as a missed target, so a partial run cannot pass for a clean one', () => {
    const rows = buildRows({}, { ...run, errors: { storm: 'Error: sandbox did not start' } });

    expect(rows.find((r) => r.metric === 'storm did not complete')?.met).toBe(false);
  });

  it("reports the web app's bundle (raw and gzipped, largest first) and its sign-in to first update, or why it was not measured", () => {
    const assets = [
      { file: 'assets/index.js', bytes: 455_200, gzipBytes: 136_400 },
      { file: 'index.html', bytes: 700, gzipBytes: 400 },
    ];
    const measured = buildRows({ web: { buildMs: 258, assets, firstUpdateMs: [532, 341, 478] } }, run);
    expect(measured.find((r) => r.metric === 'bundle a browser downloads (HTML, JS, CSS)')?.value).toBe('455.9 kB (136.8 kB gzipped), 2 files');
    expect(measured.find((r) => r.metric.startsWith('sign-in click to first live twin update'))?.value).toBe('478 ms (341 ms, 478 ms, 532 ms)');
    const skipped = buildRows({ web: { buildMs: 258, assets, skipped: '/usr/bin/chromium is missing' } }, run);
    expect(skipped.find((r) => r.metric === 'sign-in click to first live twin update')?.value).toBe('not measured: /usr/bin/chromium is missing');
  });

  it("quotes ours next to each of the peers' figures when the storm ran", () => {
    const rows = buildRows({ storm: storm({ withoutPolicy: 0, attachPolicy: { calls: 1000, throttled: 0, callsPerUser: 1 } }), peers: peers() }, run);

    const left = rows.find((r) => r.section.startsWith("Storm: the peers' pattern") && r.metric === 'users left without the policy');
    expect(left?.value).toBe('601 of 1000, 0 of them signed in anyway; ours: 0 of 1000');
    expect(rows.find((r) => r.section.startsWith("Storm: the peers' pattern") && r.metric === 'AttachPolicy calls per user')?.value).toBe('2.70 (2299 of 2698 throttled); ours: 1');
  });

  it("sets no target on the peers' figures: they are comparisons, and cannot fail the run", () => {
    const rows = buildRows({ peers: peers({ withoutPolicy: 1000 }) }, run).filter((r) => r.section.startsWith("Storm: the peers' pattern"));

    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.met === undefined && r.target === undefined)).toBe(true);
    expect(rows.find((r) => r.metric === 'users left without the policy')?.value).not.toContain('ours');
  });
});
