import { lifecycleRows, type LifecycleFigures } from './lifecycle';
import { capacityReportRows } from './capacity-report';
import type { BundleFigures } from './bundles';
import type { CommandFigures } from './commands';
import type { OnboardingFigures } from './onboarding';
import type { PeersFigures } from './peers';
import type { SandboxStartupFigures } from './sandbox-startup';
import { webAppRows, type WebAppFigures } from './web-app';
import type { Distribution } from './stats';
import type { StormFigures } from './storm';
import { backfillRows, type BackfillFigures } from './backfill';
import { offboardingStormRows } from './offboarding-storm';
import type { TriggerFigures } from './trigger';
import type { Row, RowSink } from './rows';

export type { Row } from './rows';

export const PHASES = ['trigger', 'onboarding', 'storm', 'peers', 'commands', 'lifecycle', 'web', 'bundles', 'sandbox'] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchResults {
  readonly backfill?: BackfillFigures;
  readonly trigger?: TriggerFigures;
  readonly onboarding?: OnboardingFigures;
  readonly storm?: StormFigures;
  readonly peers?: PeersFigures;
  readonly commands?: CommandFigures;
  readonly lifecycle?: LifecycleFigures;
  readonly bundles?: readonly BundleFigures[];
  readonly sandbox?: SandboxStartupFigures;
  readonly web?: WebAppFigures;
}

/** The issue's targets; the figures are compared against these and reported, never enforced. */
export const TARGETS = {
  triggerCallsOnboarded: 0,
  triggerCallsNewUser: 1,
  stormFactor: 1.05,
  handlerOverheadMs: 2,
  /** 500 kB, decimal: what the Lambda console and `ls -l` show. */
  bundleBytes: 500_000,
  coldInitMs: 200,
  runMs: 180_000,
} as const;


const ms = (v: number) => (Number.isNaN(v) ? 'n/a' : v < 10 ? `${v.toFixed(2)} ms` : v < 10_000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`);
const p50p99 = (d: Distribution) => `p50 ${ms(d.p50)}, p99 ${ms(d.p99)} (n=${d.samples})`;
const latency = (d: Distribution) => `p50 ${ms(d.p50)}, p99 ${ms(d.p99)}, max ${ms(d.max)} (n=${d.samples})`;
const num = (v: number, digits = 2) => (Number.isInteger(v) ? String(v) : v.toFixed(digits));
const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

interface RunSummary {
  readonly totalMs: number;
  readonly complete: boolean;
  readonly errors: Readonly<Record<string, string>>;
}


/** One row per figure, in the order the issue lists them; targets carry met / missed. */
export function buildRows(results: BenchResults, run: RunSummary): Row[] {
  const rows: Row[] = [];
  const add = (row: Row) => rows.push(row);
  if (results.trigger) triggerRows(results.trigger, add);
  if (results.onboarding) onboardingRows(results.onboarding, add);
  if (results.storm) stormRows(results.storm, add);
  if (results.backfill) backfillRows(results.backfill, add, ms);
  if (results.peers) peersRows(results.peers, results.storm, add);
  if (results.commands) commandRows(results.commands, add);
  if (results.lifecycle) lifecycleRows(results.lifecycle, add, ms);
  if (results.web) webAppRows(results.web, add, ms);
  if (results.bundles) bundleRows(results.bundles, add);
  if (results.sandbox) sandboxRows(results.sandbox, add);
  capacityReportRows(results, add);
  runRows(run, add);
  return rows;
}

/** The trigger phase: handler time and AWS calls per sign-in. */
function triggerRows(t: TriggerFigures, add: RowSink): void {
  const s = 'Trigger';
  const users = [
    ['onboarded', t.onboardedUser, TARGETS.triggerCallsOnboarded],
    ['new', t.newUser, TARGETS.triggerCallsNewUser],
  ] as const;
  for (const [label, c] of users) add({ section: s, metric: `handler time, ${label} user`, value: p50p99(c.latencyMs) });
  for (const [label, c, target] of users) {
    add({
      section: s,
      metric: `AWS calls per sign-in, ${label} user`,
      value: num(c.awsCallsPerSignIn, 3),
      target: `${target}`,
      met: c.awsCallsPerSignIn === target && Object.keys(c.unexpected).length === 0,
    });
  }
  for (const [label, c] of users) {
    const unexpected = Object.entries(c.unexpected);
    if (unexpected.length > 0) add({ section: s, metric: `unexpected trigger actions, ${label} user`, value: unexpected.map(([a, n]) => `${a} ×${n}`).join(', ') });
  }
}

/** The onboarding phase: sign-in to welcome, its steps, transitions, calls and cost. */
function onboardingRows(o: OnboardingFigures, add: RowSink): void {
  const s = 'Onboarding';
  add({ section: s, metric: `sign-in to welcome on MQTT (${o.concurrency} at a time)`, value: p50p99(o.latencyMs) });
  add({
    section: s,
    metric: '  of which, medians',
    value: `sign-in ${ms(o.stepsMs.signIn.p50)}, workflow ${ms(o.stepsMs.workflow.p50)}, API + credentials ${ms(o.stepsMs.credentials.p50)}, MQTT ${ms(o.stepsMs.mqtt.p50)}`,
  });
  add({ section: s, metric: 'failed onboardings', value: `${o.failures} of ${o.users}${o.failureMessages.length ? `: ${o.failureMessages.join('; ')}` : ''}` });
  add({ section: s, metric: 'state transitions per onboarding', value: num(o.transitionsPerOnboarding), target: '≤ 6', met: o.transitionsPerOnboarding <= 6 });
  add({
    section: s,
    metric: 'AWS calls per onboarding (workflow)',
    value: `${num(o.awsCallsPerOnboarding)} (${Object.entries(o.workflowCallsPerOnboarding).map(([op, n]) => `${op.split(':')[1]} ${num(n)}`).join(', ')}) + ${num(o.triggerCallsPerOnboarding)} StartExecution by the trigger`,
  });
  add({ section: s, metric: 'Step Functions cost per 1,000,000 onboardings', value: `$${o.stepFunctionsCostPerMillionUsd.toFixed(2)} (list price us-east-1, Standard, $0.025 per 1,000 transitions)` });
}

/** The storm phase: time to drain, completeness, duplicates, throttling, memory. */
function stormRows(st: StormFigures, add: RowSink): void {
  const s = `Storm (${st.users} users, AttachPolicy at ${st.tps} TPS)`;
  add({
    section: s,
    metric: 'first sign-in to all executions closed',
    value: `${ms(st.durationMs)} (gate at ${st.gateRate.toFixed(1)}/s: floor ${ms(st.gateFloorMs)}; quota floor N/Q ${ms(st.floorMs)})`,
    target: `≤ ${ms(st.targetMs)}`,
    // Only a storm in which everyone was onboarded can meet the time target.
    met: st.onboarded === st.users && st.durationMs <= st.targetMs,
  });
  add({ section: s, metric: 'users onboarded', value: `${st.onboarded} of ${st.users}`, target: 'all', met: st.onboarded === st.users });
  add({ section: s, metric: 'users left without the policy', value: `${st.withoutPolicy} of ${st.users} (IoT's targets of the policy, after the storm)` });
  add({ section: s, metric: 'failed executions', value: `${st.failedExecutions}`, target: '0', met: st.failedExecutions === 0 });
  if (st.unfinished + st.signInFailures + st.missingExecutions > 0) {
    add({
      section: s,
      metric: 'not onboarded because',
      value: `${st.unfinished} still running at the limit, ${st.signInFailures} sign-ins failed, ${st.missingExecutions} never started: ${st.failureMessages.join('; ')}`,
    });
  }
  add({
    section: s,
    metric: 'users welcomed twice',
    value: `${st.duplicateWelcomes} (${st.executionsStarted} executions started)`,
    target: '0',
    met: st.duplicateWelcomes === 0 && st.executionsStarted <= st.users,
  });
  add({ section: s, metric: 'AttachPolicy calls per user', value: `${num(st.attachPolicy.callsPerUser)} (${st.attachPolicy.throttled} of ${st.attachPolicy.calls} throttled)` });
  add({ section: s, metric: 'sign-ins', value: `${st.firing}; all answered after ${ms(st.signInsMs)}` });
  add({ section: s, metric: 'sign-in latency (trigger included)', value: latency(st.signInLatencyMs) });
  add({ section: s, metric: 'state transitions per onboarding', value: num(st.transitions / st.users, 1), target: '≤ 6', met: st.transitions / st.users <= 6 });
  add({ section: s, metric: 'resident memory after the storm', value: `${(st.rssBytes / 1024 / 1024).toFixed(0)} MiB (bench process, sandbox in-process)` });
  if (st.offboarding) offboardingStormRows(st.offboarding, add, ms);
}

/**
 * The peers' pattern next to the storm: the same firing and quota, AttachPolicy inside the trigger
 * with the SDK's default retries. Comparisons, not targets; ours is quoted when the storm ran.
 */
function peersRows(p: PeersFigures, ours: StormFigures | undefined, add: RowSink): void {
  const s = `Storm: the peers' pattern (${p.users} users, AttachPolicy at ${p.tps} TPS, inside the trigger)`;
  const vs = (text: (o: StormFigures) => string) => (ours ? `; ours: ${text(ours)}` : '');
  const failures = p.failureMessages.length > 0 ? ` (${p.failureMessages.join('; ')})` : '';
  add({
    section: s,
    metric: 'users left without the policy',
    value: `${p.withoutPolicy} of ${p.users}, ${p.withoutPolicySignedIn} of them signed in anyway${vs((o) => `${o.withoutPolicy} of ${o.users}`)}`,
  });
  add({ section: s, metric: 'sign-in latency (trigger included)', value: `${latency(p.signInLatencyMs)}${vs((o) => latency(o.signInLatencyMs))}` });
  add({ section: s, metric: 'failed sign-ins', value: `${p.signInFailures} of ${p.users}${vs((o) => `${o.signInFailures}`)}${failures}` });
  add({
    section: s,
    metric: 'AttachPolicy calls per user',
    value: `${num(p.attachPolicy.callsPerUser)} (${p.attachPolicy.throttled} of ${p.attachPolicy.calls} throttled)${vs((o) => num(o.attachPolicy.callsPerUser))}`,
  });
  const t = p.trigger;
  add({
    section: s,
    metric: 'peer trigger',
    value: `SDK ${p.retry}, on error ${p.onError}, Lambda timeout ${ms(p.functionTimeoutMs)}: ${t.invocations} invocations, ${t.errors} threw, ${t.timeouts} timed out, ${t.environments} environments`,
  });
  add({ section: s, metric: 'sign-ins', value: `${p.firing}; all answered after ${ms(p.signInsMs)}; phase ${ms(p.phaseMs)} (set-up ${ms(p.setupMs)})` });
}

/** The commands phase: latency, throughput, credential cache, handler overhead, ownership. */
function commandRows(c: CommandFigures, add: RowSink): void {
  const s = 'Commands';
  add({ section: s, metric: 'API request to device delta', value: p50p99(c.apiToDeviceMs) });
  for (const r of c.sustained) {
    const codes = Object.entries(r.errorCodes).map(([code, n]) => `${code} ×${n}`).join(', ');
    add({ section: s, metric: `sustained commands/s, ${r.callers} caller${r.callers === 1 ? '' : 's'}`, value: `${r.perSecond.toFixed(0)}/s (${r.ok} ok, ${r.errors} errors${codes ? `: ${codes}` : ''})` });
  }
  add({
    section: s,
    metric: 'credential-cache hit rate',
    value: `${(c.credentialCacheHitRate * 100).toFixed(2)}% (${c.getCredentialsCalls} GetCredentialsForIdentity / ${c.apiRequests} requests)`,
  });
  add({
    section: s,
    metric: "handler's own overhead, warm cache (median)",
    value: `${ms(c.handler.overheadMedianMs)} (p99 ${ms(c.handler.overheadMs.p99)}; whole call p50 ${ms(c.handler.totalMs.p50)}, publish send() p50 ${ms(c.handler.sendMs.p50)})`,
    target: `< ${TARGETS.handlerOverheadMs} ms`,
    met: c.handler.overheadMedianMs < TARGETS.handlerOverheadMs,
  });
  add({
    section: s,
    metric: 'ownership check, warm cache',
    value: `${c.handler.describeThingPerCall.toFixed(2)} DescribeThing per command (included in the overhead above)`,
  });
  add({
    section: s,
    metric: 'ownership check, cold cache (median added)',
    value: `${ms(c.handlerColdOwnership.overheadMedianMs - c.handler.overheadMedianMs)}; ${c.handlerColdOwnership.describeThingPerCall.toFixed(2)} DescribeThing per command (overhead p50 ${ms(c.handlerColdOwnership.overheadMedianMs)})`,
  });
  add({ section: s, metric: 'claim (POST /devices/{thing}/claim)', value: p50p99(c.claimMs) });
}

/** The Lambda packages: bundle size and cold initialisation, with and without the Tracer. */
function bundleRows(bundles: readonly BundleFigures[], add: RowSink): void {
  const s = 'Lambda packages';
  for (const b of bundles) {
    add({ section: s, metric: `${b.name}: minified bundle`, value: kB(b.bytes), target: `< ${kB(TARGETS.bundleBytes)}`, met: b.bytes < TARGETS.bundleBytes });
    add({ section: s, metric: `${b.name}: cold initialisation (median of ${b.runs ?? 10})`, value: ms(b.coldInitMs), target: `< ${TARGETS.coldInitMs} ms`, met: b.coldInitMs < TARGETS.coldInitMs });
  }
  // Not deployed: what adopting the Powertools Tracer would cost (docs/design-decisions.md). A
  // figure for a decision, not a target: nothing built from these rows ships.
  for (const b of bundles) {
    if (!b.withTracer) continue;
    const t = b.withTracer;
    add({ section: s, metric: `${b.name} + Powertools Tracer (not deployed): bundle`, value: `${kB(t.bytes)} (+${kB(t.bytes - b.bytes)})` });
    add({ section: s, metric: `${b.name} + Powertools Tracer (not deployed): cold initialisation`, value: `${ms(t.coldInitMs)} (+${ms(t.coldInitMs - b.coldInitMs)})` });
  }
}

/** The sandbox phase: time to ready. */
function sandboxRows(sb: SandboxStartupFigures, add: RowSink): void {
  add({ section: 'Sandbox', metric: `npm start -- --serve to ready (median of ${sb.runs})`, value: `${ms(sb.medianReadyMs)} (${sb.readyMs.map(ms).join(', ')})` });
}

/** Phases that failed, and the run's total time against its target. */
function runRows(run: RunSummary, add: RowSink): void {
  for (const [phase, message] of Object.entries(run.errors)) {
    add({ section: 'Errors', metric: `${phase} did not complete`, value: message.slice(0, 300), target: 'completes', met: false });
  }
  add({
    section: 'Run',
    metric: run.complete ? 'total run time' : 'total run time (partial run: --only or flags)',
    value: ms(run.totalMs),
    target: `< ${ms(TARGETS.runMs)}`,
    met: run.totalMs < TARGETS.runMs,
  });
}

/** A plain-text table, one section header per group, widths fitted to the content. */
export function formatTable(rows: readonly Row[]): string {
  const status = (r: Row) => (r.met === undefined ? '' : r.met ? 'met' : 'MISSED');
  const width = {
    metric: Math.max(6, ...rows.map((r) => r.metric.length)),
    value: Math.min(90, Math.max(5, ...rows.map((r) => r.value.length))),
    target: Math.max(6, ...rows.map((r) => (r.target ?? '').length)),
  };
  const line = (metric: string, value: string, target: string, state: string) =>
    `  ${metric.padEnd(width.metric)}  ${value.padEnd(width.value)}  ${target.padEnd(width.target)}  ${state}`.trimEnd();
  const out = [line('metric', 'value', 'target', 'status'), `  ${'-'.repeat(width.metric + width.value + width.target + 14)}`];
  let section = '';
  for (const r of rows) {
    if (r.section !== section) {
      section = r.section;
      out.push(section);
    }
    out.push(line(r.metric, r.value, r.target ?? '', status(r)));
  }
  const missed = rows.filter((r) => r.met === false);
  out.push('', missed.length === 0 ? 'All targets met.' : `Targets missed: ${missed.map((r) => `${r.section} / ${r.metric.trim()}`).join('; ')}`);
  return out.join('\n');
}
