import type { SandboxClock } from '../clock';
import { SANDBOX_ACCOUNT } from '../../wire/account';
import type { sandboxAwsEnv } from './environment';
import type { SandboxOptions } from '../options';
import { startLambdaRuntime, type FunctionSpec } from '../lambda';
import { quotaGateFunctionSpecs } from './quota-gates';
import { offboardingFunctionSpecs, type OffboardingIds } from './offboarding';
import type { DeployedIdentity } from './identity';
import { DEVELOPER_PROVIDER } from './names';

export interface FunctionsDeployment {
  readonly options: SandboxOptions;
  readonly clock: SandboxClock;
  readonly awsEnv: ReturnType<typeof sandboxAwsEnv>;
  readonly directory: DeployedIdentity;
  readonly iotDataPlaneUrl: string;
  /** The onboarding state machine the trigger and the command API start. */
  readonly stateMachineArn: string;
  readonly offboarding: OffboardingIds;
}

/** The real handlers (bundled as deployed), with the environment CDK gives them (lib/constructs). */
export function startFunctions(d: FunctionsDeployment) {
  return startLambdaRuntime(functionSpecs(d), { clockOffset: d.clock.sharedOffset });
}

function functionSpecs(d: FunctionsDeployment): Record<string, FunctionSpec> {
  const { directory, options, iotDataPlaneUrl, stateMachineArn } = d;
  const onboardingVersion = options.onboardingVersion ?? '1';
  const base = {
    ...d.awsEnv,
    POWERTOOLS_LOG_LEVEL: options.functionLogLevel ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const trustWindow: Record<string, string> = options.trustRevalidateSeconds ? { TRUST_REVALIDATE_SECONDS: String(options.trustRevalidateSeconds) } : {};
  const userPoolId = directory.pool.userPoolId;
  const identityPool = { IDENTITY_POOL_ID: directory.identityPoolId, DEVELOPER_PROVIDER_NAME: DEVELOPER_PROVIDER };
  return {
    ...offboardingFunctionSpecs(base, d.offboarding),
    ...quotaGateFunctionSpecs(base, d.offboarding, options.gateRates),
    'post-authentication': {
      source: 'post-authentication',
      environment: { ...base, STATE_MACHINE_ARN: stateMachineArn, ONBOARDING_VERSION: onboardingVersion },
    },
    'resolve-identity': { source: 'resolve-identity', environment: { ...base, ...identityPool } },
    'publish-welcome': { source: 'publish-welcome', environment: { ...base, IOT_DATA_ENDPOINT: iotDataPlaneUrl } },
    'iot-authorizer': {
      source: 'iot-authorizer',
      environment: {
        ...base,
        USER_POOL_ID: userPoolId,
        APP_CLIENT_ID: directory.client.clientId,
        APP_CLIENT_SECRET_ID: directory.appClientSecretArn,
        AWS_ACCOUNT_ID: SANDBOX_ACCOUNT,
        COGNITO_JWKS_URI: directory.pool.jwksUri,
        ...trustWindow,
      },
    },
    'publish-command': {
      source: 'publish-command',
      environment: {
        ...base,
        USER_POOL_ID: userPoolId,
        ...identityPool,
        IOT_DATA_ENDPOINT: iotDataPlaneUrl,
        STATE_MACHINE_ARN: stateMachineArn,
        ONBOARDING_VERSION: onboardingVersion,
        ...trustWindow,
      },
    },
  };
}
