import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IotLogLevel } from './constructs/iot-logging';
import type { AdoptedUserPoolProps } from './constructs/adopted-user-pool';
import { IotOnboardingStack } from './iot-onboarding-stack';
import { assertCorsOrigins } from '../functions/shared/api-cors';

/** Builds the app with cdk-nag's AwsSolutions checks registered (a finding fails synthesis). */
export function buildApp(app: App = new App()): { app: App; stack: IotOnboardingStack } {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const context = (key: string) => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const onboardingVersion = context('onboardingVersion');
  const iotDataEndpoint = context('iotDataEndpoint');
  const iotLogLevel = context('iotLogLevel');
  const trustRevalidate = context('trustRevalidateSeconds');
  const trustRevalidateSeconds = trustRevalidate === undefined ? undefined : Number(trustRevalidate);
  if (trustRevalidateSeconds !== undefined && !(Number.isInteger(trustRevalidateSeconds) && trustRevalidateSeconds >= 1 && trustRevalidateSeconds <= 3600)) {
    throw new Error(`Context trustRevalidateSeconds "${trustRevalidate}" is invalid: expected whole seconds from 1 to 3600`);
  }
  if (iotLogLevel && !['ERROR', 'WARN', 'INFO', 'DEBUG'].includes(iotLogLevel)) {
    throw new Error(`Context iotLogLevel "${iotLogLevel}" is invalid: expected ERROR, WARN, INFO or DEBUG`);
  }
  const adoptUserPool = adoptedPoolFromContext(context);
  const corsOrigins = corsOriginsFromContext(context('corsOrigins'));
  const webHosting = booleanFromContext(app, 'webHosting');
  const stack = new IotOnboardingStack(app, context('stackName') ?? 'IotOnboarding', {
    ...(adoptUserPool ? { adoptUserPool } : {}),
    ...(onboardingVersion ? { onboardingVersion } : {}),
    ...(iotDataEndpoint ? { iotDataEndpoint } : {}),
    ...(iotLogLevel ? { iotLogLevel: iotLogLevel as IotLogLevel } : {}),
    ...(trustRevalidateSeconds !== undefined ? { trustRevalidateSeconds } : {}),
    ...(corsOrigins ? { corsOrigins } : {}),
    ...(webHosting !== undefined ? { webHosting } : {}),
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  return { app, stack };
}

/**
 * `-c userPoolId=<id> -c appClientIds=<id,id>` adopts an existing pool; `-c chainPostAuthentication=<arn>`
 * keeps its current post-authentication trigger (called first), `-c addCustomAttributes=true`
 * consents to adding the product's two custom attributes (permanent), `-c appClientHasSecret=true`
 * says the first client has a secret (the authorizer's password mode reads it). Each refused with
 * what was expected.
 */
function adoptedPoolFromContext(context: (key: string) => string | undefined): AdoptedUserPoolProps | undefined {
  const userPoolId = context('userPoolId');
  const clients = context('appClientIds');
  const chain = context('chainPostAuthentication');
  const add = context('addCustomAttributes');
  const hasSecret = context('appClientHasSecret');
  if (userPoolId === undefined) {
    if (clients ?? chain ?? add ?? hasSecret) throw new Error('Context appClientIds, chainPostAuthentication, addCustomAttributes and appClientHasSecret adopt a pool: give its id with -c userPoolId=<region>_<id>');
    return undefined;
  }
  if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(userPoolId)) throw new Error(`Context userPoolId "${userPoolId}" is invalid: expected a user pool id, <region>_<id>`);
  const appClientIds = (clients ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  if (appClientIds.length === 0) throw new Error('Adopting a user pool needs its app client ids: -c appClientIds=<id>[,<id>...]');
  const badClient = appClientIds.find((c) => !/^[\w+]{1,128}$/.test(c));
  if (badClient) throw new Error(`Context appClientIds has "${badClient}", which is not an app client id`);
  if (chain !== undefined && !/^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/.test(chain)) {
    throw new Error(`Context chainPostAuthentication "${chain}" is invalid: expected the Lambda function ARN of the pool's current post-authentication trigger`);
  }
  for (const [name, value] of [['addCustomAttributes', add], ['appClientHasSecret', hasSecret]] as const) {
    if (value !== undefined && value !== 'true' && value !== 'false') throw new Error(`Context ${name} "${value}" is invalid: expected true or false`);
  }
  return { userPoolId, appClientIds, ...(chain ? { chainPostAuthentication: chain } : {}), addCustomAttributes: add === 'true', appClientHasSecret: hasSecret === 'true' };
}

/** `-c corsOrigins=https://app.example.com,http://localhost:5173`: the web app's origins, each checked. */
function corsOriginsFromContext(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const origins = value.split(',').map((o) => o.trim()).filter(Boolean);
  if (origins.length === 0) throw new Error(`Context corsOrigins "${value}" is invalid: expected origins, scheme://host[:port], separated by commas`);
  assertCorsOrigins(origins, 'Context corsOrigins has');
  return origins;
}

/**
 * `-c webHosting=true` (or a JSON boolean in cdk.json's context): a flag that is on or off, anything
 * else refused rather than read as off.
 */
function booleanFromContext(app: App, key: string): boolean | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`Context ${key} "${typeof value === 'string' ? value : JSON.stringify(value)}" is invalid: expected true or false`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
