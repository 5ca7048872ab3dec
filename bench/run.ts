import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchBackfill } from './backfill';
import { measureBundles } from './bundles';
import { benchCommands } from './commands';
import { progress } from './fixture';
import { benchLifecycle } from './lifecycle';
import { benchOnboarding } from './onboarding';
import { benchPeers } from './peers';
import { buildRows, formatTable, PHASES, type BenchResults, type Phase } from './report';
import { benchSandboxStartup } from './sandbox-startup';
import { benchStorm } from './storm';
import { benchTrigger } from './trigger';
import { benchWebApp } from './web-app';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `npm run bench [-- options]
  --users N      users in the sign-in storm (default 1000)
  --tps Q        AttachPolicy quota during the storm, calls/s (default 15, AWS's; the gate runs at 12/15 of it, and at most 12)
  --storm-concurrency N|all   sign-ins in flight at once during the storm (default 50)
  --offboard-users N   then delete N of the storm's users at once, DetachPolicy, ListUsers and ListThings at AWS's quotas (default 20, at most --users; 0: no offboarding storm)
  --backfill-users N   also run an adopted pool's backfill of N users who never signed in (not in the default run; 0: none)
  --offboarding-quotas gated|all   all: DeleteIdentities at its quota too (default gated)
  --peers-users N             users in the peers' pattern phase (default: --users, at most 200: its sign-ins
                 wait out the SDK's real backoff, about 26 s for 1,000 users; 200 keep it near 7 s)
  --peers-on-error throw|swallow   the peer trigger on a failed AttachPolicy: throw fails the sign-in, as the
                 article's code does (default); swallow returns the event, the sign-in succeeds
  --only LIST    comma list of ${PHASES.join(',')} (default: all)
  --json         print the figures as JSON instead of the table
Figures are also written to bench/results/latest.json and bench/results/<timestamp>.json.
Exit code 0 whether or not targets are met; 1 if a phase could not run; 2 on bad usage.
`;

/**
 * The peers' phase's default user count: its sign-ins wait out the SDK's real backoff (about 38
 * sign-ins/s with 50 in flight: 26 s for 1,000 users), too long for the whole run's 180 s.
 * The share of users left without the policy is set by that rate against the quota, so it
 * changes little with N (60% at 1,000; 53-54% at 300, where the first second's burst weighs more).
 */
const PEERS_DEFAULT_MAX_USERS = 200;

function usage(problem: string): never {
  process.stderr.write(`${problem}\n\n${USAGE}`);
  process.exit(2);
}

function positiveInteger(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) usage(`--${flag} must be a positive integer, got "${value}"`);
  return n;
}

const { values } = parseArgs({
  options: {
    users: { type: 'string' },
    tps: { type: 'string' },
    'storm-concurrency': { type: 'string' },
    'offboard-users': { type: 'string' },
    'offboarding-quotas': { type: 'string' },
    'backfill-users': { type: 'string' },
    'peers-users': { type: 'string' },
    'peers-on-error': { type: 'string' },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const users = positiveInteger('users', values.users, 1000);
const tps = positiveInteger('tps', values.tps, 15);
const stormConcurrency = values['storm-concurrency'] === 'all' ? users : positiveInteger('storm-concurrency', values['storm-concurrency'], 50);
const offboardUsers = values['offboard-users'] === '0' ? 0 : positiveInteger('offboard-users', values['offboard-users'], Math.min(users, 20));
const offboardingQuotas = values['offboarding-quotas'] ?? 'gated';
const backfillUsers = values['backfill-users'] === undefined || values['backfill-users'] === '0' ? 0 : positiveInteger('backfill-users', values['backfill-users'], 0);
if (offboardingQuotas !== 'gated' && offboardingQuotas !== 'all') usage(`--offboarding-quotas must be gated or all, got "${offboardingQuotas}"`);
const peersUsers = positiveInteger('peers-users', values['peers-users'], Math.min(users, PEERS_DEFAULT_MAX_USERS));
const peersOnError = values['peers-on-error'] ?? 'throw';
if (peersOnError !== 'throw' && peersOnError !== 'swallow') usage(`--peers-on-error must be throw or swallow, got "${peersOnError}"`);
const only = values.only?.split(',').map((p) => p.trim()).filter(Boolean) ?? [...PHASES];
const unknown = only.filter((p) => !(PHASES as readonly string[]).includes(p));
if (unknown.length > 0) usage(`unknown phase(s) in --only: ${unknown.join(', ')}`);
const selected = new Set(only as Phase[]);
const changed = ['users', 'tps', 'storm-concurrency', 'offboard-users', 'offboarding-quotas', 'backfill-users', 'peers-users', 'peers-on-error'] as const;
const defaults = selected.size === PHASES.length && changed.every((flag) => values[flag] === undefined);

const startedAt = new Date();
const results: { -readonly [K in keyof BenchResults]: BenchResults[K] } = {};
const errors: Record<string, string> = {};

// Cheapest first, then the sandbox-heavy phases; the child-process phases (bundles, sandbox
// start-up) run last, once every in-process sandbox is closed and the CPUs are idle.
const phases: Record<Phase, () => Promise<void>> = {
  trigger: async () => {
    results.trigger = await benchTrigger({ invocations: 1_000 });
  },
  onboarding: async () => {
    results.onboarding = await benchOnboarding({ users: 70, concurrency: 2, costUsers: 50 });
  },
  storm: async () => {
    results.storm = await benchStorm({ users, tps, concurrency: stormConcurrency, offboardUsers, offboardingQuotas });
  },
  peers: async () => {
    // The same quota and firing as the storm; its own sandbox and users.
    results.peers = await benchPeers({ users: peersUsers, tps, concurrency: values['storm-concurrency'] === 'all' ? peersUsers : stormConcurrency, onError: peersOnError });
  },
  commands: async () => {
    results.commands = await benchCommands({ samples: 200, sustainMs: 3_000, callers: [1, 16], handlerCalls: 1_000 });
  },
  lifecycle: async () => {
    results.lifecycle = await benchLifecycle({ requests: 100, deletions: 10, authorizerConnects: 5 });
  },
  web: async () => {
    results.web = await benchWebApp(3);
  },
  bundles: async () => {
    progress('bundles: building each function and timing 5 cold initialisations');
    results.bundles = await measureBundles(5);
  },
  sandbox: async () => {
    results.sandbox = await benchSandboxStartup(3);
  },
};

for (const phase of PHASES) {
  if (!selected.has(phase)) continue;
  const started = performance.now();
  try {
    await phases[phase]();
    progress(`${phase}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    // One broken phase must not hide the others' figures: record it, report it, exit non-zero.
    errors[phase] = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    progress(`${phase}: FAILED: ${errors[phase]}`);
    if (error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  }
}

// The backfill is a documented run, not part of the default one (10,000 users take about 14 minutes).
if (backfillUsers > 0) {
  const started = performance.now();
  try {
    results.backfill = await benchBackfill({ users: backfillUsers, tps });
    progress(`backfill: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    errors.backfill = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    progress(`backfill: FAILED: ${errors.backfill}`);
  }
}

// performance.now() counts from process start, so the total includes loading the bench itself.
const totalMs = performance.now();
const rows = buildRows(results, { totalMs, complete: defaults, errors });
const report = {
  startedAt: startedAt.toISOString(),
  totalMs,
  options: { users, tps, stormConcurrency, peersUsers, peersOnError, only: [...selected], defaults },
  environment: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' },
  results,
  targets: rows.filter((r) => r.met !== undefined).map((r) => ({ section: r.section, metric: r.metric, value: r.value, target: r.target, met: r.met })),
  errors,
};

const resultsDir = join(fileURLToPath(new URL('.', import.meta.url)), 'results');
mkdirSync(resultsDir, { recursive: true });
const json = `${JSON.stringify(report, null, 2)}\n`;
// ISO 8601 with the colons replaced: a file name every OS accepts.
const stamped = join(resultsDir, `${startedAt.toISOString().replaceAll(':', '-')}.json`);
writeFileSync(stamped, json);
writeFileSync(join(resultsDir, 'latest.json'), json);

process.stdout.write(values.json ? json : `\n${formatTable(rows)}\n`);
progress(`figures written to ${stamped} and bench/results/latest.json`);
process.exitCode = Object.keys(errors).length > 0 ? 1 : 0;

// Everything is closed by now and the process should exit on its own; if a handle leaks, say
// which and exit anyway rather than hang a CI job. Unref'd: it never delays a clean exit.
setTimeout(() => {
  process.stderr.write(`bench: still running 15 s after the report; open handles: ${process.getActiveResourcesInfo().join(', ')}\n`);
  process.exit(1);
}, 15_000).unref();
