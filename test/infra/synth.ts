import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { projectContext } from '../../lib/project-context';
import { FunctionBudgets, type FunctionBudget } from '../../functions/shared/aws/time-budgets';

type Resource = { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] };

/**
 * An App for infra tests, with cdk.json's context (its feature flags) as `cdk synth` has it, and
 * Lambda bundling skipped (`aws:cdk:bundling-stacks` empty), since these tests assert the
 * template, not the bundles (bench/bundles.ts and lint:template build them).
 */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...projectContext(), 'aws:cdk:bundling-stacks': [], ...context } });
}

/** Synthesizes the product app once per test file with cdk-nag registered. */
export function synthesize(context: Record<string, string> = {}) {
  const { app, stack } = buildApp(testApp(context));
  app.synth();
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  return { app, stack, template, resources };
}

export function logicalIdOf(resources: Record<string, Resource>, type: string, pathFragment: string): string {
  const ids = Object.keys(resources).filter((id) => resources[id]?.Type === type && id.includes(pathFragment));
  if (ids.length !== 1) throw new Error(`expected one ${type} matching ${pathFragment}, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every statement a role gets, inline or from AWS::IAM::Policy resources attached to it. */
export function statementsOfRole(resources: Record<string, Resource>, roleId: string): Statement[] {
  const role = resources[roleId];
  const inline = ((role?.Properties?.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>) ?? []).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
  const attached = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => (r.Properties?.Roles as Array<{ Ref?: string }>).some((ref) => ref.Ref === roleId))
    .flatMap((r) => (r.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}

export function actionsOfRole(resources: Record<string, Resource>, roleId: string): string[] {
  return statementsOfRole(resources, roleId)
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
    .sort();
}

/** Joins an Fn::Join (as CDK renders token strings) with `<ref>` markers for the references. */
export function joined(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return `<${JSON.stringify(value)}>`;
  return join[1].map((part) => (typeof part === 'string' ? part : `<${JSON.stringify(part)}>`)).join(join[0]);
}

/** What every ProductFunction role holds besides its grants (its log group, X-Ray). */
export const X_RAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
export const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

/** The logical id of the execution role of the one function whose logical id contains `fragment`. */
export function roleOfFunctionIn(resources: Record<string, Resource>, fragment: string): string {
  const fnId = logicalIdOf(resources, 'AWS::Lambda::Function', fragment);
  return (resources[fnId]?.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

/**
 * The time budgets the functions' Lambda timeouts come from, by a fragment of the function's
 * logical id (seconds where the limit is AWS's: an IoT custom authorizer must answer within 5 s).
 */
export const FUNCTION_BUDGETS: Readonly<Record<string, FunctionBudget | number>> = {
  OnboardingPostAuthentication: FunctionBudgets.postAuthentication,
  OnboardingResolveIdentity: FunctionBudgets.resolveIdentity,
  OnboardingPublishWelcome: FunctionBudgets.publishWelcome,
  OnboardingAttachGateWorker: FunctionBudgets.gateWorker,
  OnboardingAttachGateDeadLetterConsumer: FunctionBudgets.gateDeadLetters,
  OffboardingDetachGateWorker: FunctionBudgets.gateWorker,
  OffboardingDetachGateDeadLetterConsumer: FunctionBudgets.gateDeadLetters,
  OffboardingUserLookupGateWorker: FunctionBudgets.gateWorker,
  OffboardingUserLookupGateDeadLetterConsumer: FunctionBudgets.gateDeadLetters,
  OffboardingDeviceReleaseGateWorker: FunctionBudgets.gateWorker,
  OffboardingDeviceReleaseGateDeadLetterConsumer: FunctionBudgets.gateDeadLetters,
  CommandsHandler: FunctionBudgets.publishCommand,
  CustomAuthorizerHandler: 5,
  OffboardingLifecycleHandler: FunctionBudgets.userLifecycle,
  OffboardingReconciler: FunctionBudgets.reconciler,
  OffboardingDeleteShadows: FunctionBudgets.offboardDeleteShadows,
  OffboardingRemoveIdentity: FunctionBudgets.offboardingTask,
  OffboardingRecordResult: FunctionBudgets.offboardingTask,
  OffboardingPolicyCleanup: FunctionBudgets.policyCleanup,
};

/**
 * For the entries of a `{ fragment: budget }` table whose fragment starts with `prefix`: the
 * Timeout of the one function whose logical id contains the fragment (`actual`) and the seconds of
 * its budget (`expected`), keyed alike, so `expect(actual).toEqual(expected)` names every function
 * that is off.
 */
export function timeoutsOf(resources: Record<string, Resource>, budgets: Readonly<Record<string, FunctionBudget | number>>, prefix = '') {
  const actual: Record<string, unknown> = {};
  const expected: Record<string, number> = {};
  for (const [fragment, budget] of Object.entries(budgets).filter(([f]) => f.startsWith(prefix))) {
    actual[fragment] = resources[logicalIdOf(resources, 'AWS::Lambda::Function', fragment)]?.Properties?.Timeout;
    expected[fragment] = typeof budget === 'number' ? budget : budget.timeoutSeconds;
  }
  return { actual, expected };
}

/** The logical ids a resource names: its DependsOn, and every Ref and Fn::GetAtt in its properties. */
function directDependencies(resource: Resource | undefined): string[] {
  const found = new Set(resource?.DependsOn ?? []);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Ref' && typeof inner === 'string') found.add(inner);
        else if (key === 'Fn::GetAtt' && Array.isArray(inner) && typeof inner[0] === 'string') found.add(inner[0]);
        else walk(inner);
      }
    }
  };
  walk(resource?.Properties);
  return [...found];
}

/**
 * Whether `from` depends on `to`, directly or through others (DependsOn, Ref, Fn::GetAtt): then
 * CloudFormation creates `to` first and deletes `from` first (DependsOn attribute reference).
 */
export function dependsTransitively(resources: Record<string, Resource>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const pending = [from];
  while (pending.length > 0) {
    const id = pending.pop() as string;
    for (const next of directDependencies(resources[id])) {
      if (next === to) return true;
      if (!seen.has(next)) {
        seen.add(next);
        pending.push(next);
      }
    }
  }
  return false;
}
