/**
 * `npm run lint:template`: what CloudFormation and Step Functions would refuse, checked before a
 * deploy. Synthesizes the app twice, as deployed by default and with `-c webHosting=true` (the S3
 * and CloudFront resources exist only then), runs cfn-lint on both templates (errors fail;
 * warnings fail unless listed below with a reason) and asl-validator on every
 * statemachines/*.asl.json, raw and with its placeholders filled, and on every definition in the
 * synthesized templates.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { PROJECT_ROOT } from '../lib/paths';
import { projectContext } from '../lib/project-context';
import { parseDefinition } from '../sandbox/services/stepfunctions/definition';

/** cfn-lint warnings the template carries on purpose, with the reason. */
const LISTED_WARNINGS: Readonly<Record<string, string>> = {
  W3005:
    'aws-cdk-lib adds DependsOn from each Lambda function to its execution role (and the role policy) that a GetAtt already implies; generated, redundant and harmless.',
};

const work = mkdtempSync(join(tmpdir(), 'lint-template-'));
let failures = 0;
const fail = (message: string): void => {
  failures++;
  console.error(`✗ ${message}`);
};

/** The variants linted, each with its context (the second names its own stack, so one cloud assembly holds both). */
const VARIANTS: ReadonlyArray<{ label: string; context: Record<string, string> }> = [
  { label: 'default', context: {} },
  { label: 'webHosting', context: { stackName: 'IotOnboardingWebHosting', webHosting: 'true' } },
];

/** Both variants share an output directory, so the Lambda bundles are built once (CDK caches staged assets per directory). */
function synthesize(context: Record<string, string>): string {
  const { app, stack } = buildApp(new App({ outdir: join(work, 'cdk.out'), context: { ...projectContext(), ...context } }));
  app.synth();
  return join(work, 'cdk.out', stack.templateFile);
}

function cfnLint(label: string, templatePath: string): void {
  const version = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    fail('cfn-lint is not installed: `pip install cfn-lint` (Python 3.9+), then run npm run lint:template again');
    return;
  }
  const listed = Object.keys(LISTED_WARNINGS);
  const run = spawnSync('cfn-lint', ['--ignore-checks', ...listed, '--', templatePath], { encoding: 'utf8', cwd: work });
  // cfn-lint exit codes are a bit mask: 2 errors, 4 warnings, 8 informational.
  if ((run.status ?? 2) & 6) fail(`cfn-lint (${version.stdout.trim()}) found problems in the ${label} template:\n${run.stdout}${run.stderr}`);
  else console.log(`✓ cfn-lint (${version.stdout.trim()}), ${label} template: no errors, no unlisted warnings`);
}

/** A value shaped like what CDK or the sandbox fills a `${Name}` placeholder with. */
const sampleFor = (name: string): string => (name.endsWith('Arn') ? `arn:aws:lambda:us-east-1:123456789012:function:${name}` : `${name}-sample`);

/** CloudFormation references in a DefinitionString, replaced by sample values of the same shape. */
function resolveJoin(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) throw new Error(`unexpected DefinitionString ${JSON.stringify(value).slice(0, 200)}`);
  return join[1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      if (getAtt) return sampleFor(`${getAtt[0]}${getAtt[1]}`);
      const ref = (part as { Ref?: string }).Ref;
      return sampleFor(ref ?? 'Value');
    })
    .join(join[0]);
}

function aslValidate(label: string, definition: string): void {
  const file = join(work, `${label.replace(/[^\w.-]+/g, '_')}.json`);
  writeFileSync(file, definition);
  const run = spawnSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'asl-validator'), ['--json-path', file], { encoding: 'utf8' });
  if (run.status !== 0) {
    fail(`asl-validator: ${label}\n${run.stdout}${run.stderr}`);
    return;
  }
  // asl-validator lets unknown retrier values through (e.g. JitterStrategy "FUL"); the
  // sandbox's schema does not.
  try {
    parseDefinition(definition);
    console.log(`✓ asl-validator: ${label}`);
  } catch (error) {
    fail(`${label}: ${(error as Error).message}`);
  }
}

function stateMachineFiles(): void {
  const dir = join(PROJECT_ROOT, 'statemachines');
  const files = readdirSync(dir).filter((f) => f.endsWith('.asl.json')).sort();
  if (files.length === 0) fail('no statemachines/*.asl.json found');
  for (const file of files) {
    const raw = readFileSync(join(dir, file), 'utf8');
    aslValidate(`${file} (raw)`, raw);
    aslValidate(`${file} (substituted)`, raw.replace(/\$\{([A-Za-z][A-Za-z0-9]*)\}/g, (_whole, name: string) => sampleFor(name)));
  }
}

function synthesizedStateMachines(label: string, templatePath: string): void {
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as { Resources: Record<string, { Type: string; Properties?: { DefinitionString?: unknown } }> };
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
    aslValidate(`${id} (synthesized, ${label})`, resolveJoin(resource.Properties?.DefinitionString));
  }
}

for (const { label, context } of VARIANTS) {
  const templatePath = synthesize(context);
  console.log(`Synthesized ${templatePath} (${label})`);
  cfnLint(label, templatePath);
  synthesizedStateMachines(label, templatePath);
}
for (const [rule, reason] of Object.entries(LISTED_WARNINGS)) console.log(`  listed ${rule}: ${reason}`);
stateMachineFiles();
if (failures > 0) {
  console.error(`lint:template: ${failures} problem(s)`);
  process.exit(1);
}
console.log('lint:template: clean');
