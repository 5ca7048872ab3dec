import { readFileSync } from 'node:fs';
import { capacityMarkdown, describeUsage } from './capacity-report';
import { capacityRows, measuredCalls, USAGE, type CapacityResults, type UsageProfile } from './capacity';

/**
 * The capacity table of docs/capacity.md from a benchmark run's figures:
 * `npx tsx bench/capacity-table.ts [bench/results/latest.json]`. The run needs the onboarding,
 * commands and lifecycle phases.
 */
const file = process.argv[2] ?? 'bench/results/latest.json';
const report = JSON.parse(readFileSync(file, 'utf8')) as { startedAt: string; results: CapacityResults };
const measured = measuredCalls(report.results);
if ('missing' in measured) {
  process.stderr.write(`${file} lacks the ${measured.missing.join(', ')} phase(s)\n`);
  process.exit(1);
}
const profiles: UsageProfile[] = [USAGE, { ...USAGE, session: USAGE.session === 'sigv4' ? 'authorizer' : 'sigv4' }];
for (const usage of profiles) {
  process.stdout.write(`Run of ${report.startedAt}; ${describeUsage(usage)}.\n\n${capacityMarkdown(capacityRows(measured, usage))}\n\n`);
}
