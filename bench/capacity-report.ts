import { bindingFirst, capacityRows, measuredCalls, USAGE, type AccountQuota, type CapacityResults, type CapacityRow, type Scenario, type UsageProfile } from './capacity';

import type { RowSink } from './rows';

export const CAPACITY_SECTION = 'Capacity (one account, default quotas)';

const count = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
const users = (n: number | undefined) => (n === undefined ? 'no figure' : Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const SCENARIO_UNITS: Record<Scenario, string> = { newUser: 'new users/h', returningUser: 'returning sign-ins/h', hourOfUse: 'users in use', offboarding: 'offboardings/h' };
const SCENARIO_NAMES: Record<Scenario, string> = { newUser: 'new users', returningUser: 'returning sign-ins', hourOfUse: 'users in use at once', offboarding: 'offboardings' };

/** "15/s (gate 12/s)", "500,000 at once", "no published figure". */
export function quotaFigure(q: AccountQuota): string {
  if (q.perSecond === undefined) return 'no published figure';
  const figure = q.concurrent ? `${users(q.perSecond)} at once` : `${users(q.perSecond)}/s`;
  return q.usable ? `${figure} (${q.usable.why} ${users(q.usable.perSecond)}/s)` : figure;
}

/** The usage profile in one line, for the table and the doc. */
export function describeUsage(u: UsageProfile): string {
  const session = u.session === 'sigv4' ? 'SigV4 over WebSocket' : `custom authorizer, refreshed every ${u.authorizerRefreshSeconds} s`;
  return (
    `a user in use: 1 MQTT session (${session}) renewed with its tokens ${u.renewalsPerHour}×/h, ${u.commandsPerHour} commands/h, ` +
    `${u.devicesPerUser} device connected; API caches of one warm instance (trust ${u.trustWindowSeconds} s, ownership ${u.ownershipTtlSeconds} s)`
  );
}

function quotaRow(row: CapacityRow): string {
  const c = row.calls;
  const bounds = (Object.keys(SCENARIO_UNITS) as Scenario[])
    .filter((s) => row.bound[s] === undefined || Number.isFinite(row.bound[s]))
    .map((s) => `${users(row.bound[s])} ${SCENARIO_UNITS[s]}`);
  return `new ${count(c.newUser)} · returning ${count(c.returningUser)} · hour ${count(c.hourOfUse)} · offboarding ${count(c.offboarding)}${bounds.length ? ` → ${bounds.join(', ')}` : ''}`;
}

function bindingLine(binding: ReturnType<typeof bindingFirst>[Scenario], scenario: Scenario): string {
  if (!binding) return 'nothing measured binds';
  return `${binding.quota.name}, ${quotaFigure(binding.quota)}: ${users(binding.bound)} ${SCENARIO_UNITS[scenario]}`;
}

/** The capacity rows of the bench table: calls and bounds per quota, then which binds first. */
export function capacityReportRows(results: CapacityResults, add: RowSink, usage: UsageProfile = USAGE): void {
  if (!results.onboarding && !results.commands && !results.lifecycle) return;
  const section = CAPACITY_SECTION;
  const measured = measuredCalls(results);
  if ('missing' in measured) {
    add({ section, metric: 'not computed', value: `needs the ${measured.missing.join(', ')} phase(s) of the same run` });
    return;
  }
  add({ section, metric: 'usage assumed', value: describeUsage(usage) });
  add({ section, metric: 'calls per', value: 'new sign-in · returning sign-in · hour of use (connections held, for concurrent) · offboarding' });
  const rows = capacityRows(measured, usage);
  for (const row of rows) add({ section, metric: `${row.quota.name}, ${quotaFigure(row.quota)}`, value: quotaRow(row) });
  const first = bindingFirst(rows);
  for (const scenario of Object.keys(SCENARIO_NAMES) as Scenario[]) {
    add({ section, metric: `binds first: ${SCENARIO_NAMES[scenario]}`, value: bindingLine(first[scenario], scenario) });
  }
  const other: UsageProfile = { ...usage, session: usage.session === 'sigv4' ? 'authorizer' : 'sigv4' };
  add({
    section,
    metric: `binds first: users in use, ${other.session === 'authorizer' ? 'custom authorizer' : 'SigV4'} sessions`,
    value: bindingLine(bindingFirst(capacityRows(measured, other)).hourOfUse, 'hourOfUse'),
  });
}

/** The same figures as a Markdown table with each quota's page, and the binding lines (docs/capacity.md). */
export function capacityMarkdown(rows: readonly CapacityRow[]): string {
  const yesNo = (a: boolean | undefined) => (a === undefined ? 'not published' : a ? 'yes' : 'no');
  const header = [
    '| Quota (default) | Adjustable | per new sign-in | per returning sign-in | per hour of use | per offboarding | new users/h | returning sign-ins/h | users in use | offboardings/h |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const body = rows.map((r) => {
    const c = r.calls;
    const b = r.bound;
    return `| [${r.quota.name}](${r.quota.page}) ${quotaFigure(r.quota)} | ${yesNo(r.quota.adjustable)} | ${count(c.newUser)} | ${count(c.returningUser)} | ${count(c.hourOfUse)} | ${count(c.offboarding)} | ${users(b.newUser)} | ${users(b.returningUser)} | ${users(b.hourOfUse)} | ${users(b.offboarding)} |`;
  });
  const first = bindingFirst(rows);
  const lines = (Object.keys(SCENARIO_NAMES) as Scenario[]).map((s) => `- ${SCENARIO_NAMES[s]}: ${bindingLine(first[s], s)}`);
  return [...header, ...body, '', 'Binds first:', ...lines].join('\n');
}
