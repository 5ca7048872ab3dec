import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IotLogLevel } from './constructs/iot-logging';
import { IotOnboardingStack } from './iot-onboarding-stack';

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
  const stack = new IotOnboardingStack(app, context('stackName') ?? 'IotOnboarding', {
    ...(onboardingVersion ? { onboardingVersion } : {}),
    ...(iotDataEndpoint ? { iotDataEndpoint } : {}),
    ...(iotLogLevel ? { iotLogLevel: iotLogLevel as IotLogLevel } : {}),
    ...(trustRevalidateSeconds !== undefined ? { trustRevalidateSeconds } : {}),
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
