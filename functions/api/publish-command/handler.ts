import { randomUUID } from 'node:crypto';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { clientConfig } from '../../shared/aws/clients';
import { createIotControlPlane } from '../../shared/aws/iot-control-plane/client';
import { ConfigVars, loadConfig, secondsOr } from '../../shared/aws/config';
import { CallerClaimLimiter } from '../../shared/devices/claim-guard';
import { ensureOnboardingExecution } from '../../shared/workflows/executions';
import { API_ENSURE_ONBOARDING_MS, FunctionBudgets } from '../../shared/aws/time-budgets';
import { createLogger } from '../../shared/observability/logging';
import { checkUser, TRUST_DEFAULTS, TrustCache } from '../../shared/trust/user-trust';
import { UserAccessCache } from './access-cache';
import { handleApiRequest } from './core';
import { OwnershipCache } from './ownership-cache';

const config = loadConfig({
  USER_POOL_ID: ConfigVars.userPoolId(),
  IDENTITY_POOL_ID: ConfigVars.identityPoolId(),
  DEVELOPER_PROVIDER_NAME: ConfigVars.providerName(),
  IOT_DATA_ENDPOINT: ConfigVars.url(),
  AWS_REGION: ConfigVars.region(),
  STATE_MACHINE_ARN: ConfigVars.arn('states'),
  ONBOARDING_VERSION: ConfigVars.onboardingVersion(),
  TRUST_REVALIDATE_SECONDS: ConfigVars.optionalSeconds(),
});
const log = createLogger('publish-command');
const tuning = FunctionBudgets.publishCommand.sdk;
const cognitoIdp = new CognitoIdentityProviderClient(clientConfig(tuning));
const sfn = new SFNClient(clientConfig(tuning));
const trust = new TrustCache({
  check: (token) => checkUser(cognitoIdp, config.USER_POOL_ID, token),
  now: Date.now,
  revalidateSeconds: secondsOr(config.TRUST_REVALIDATE_SECONDS, TRUST_DEFAULTS.revalidateSeconds),
});
const access = new UserAccessCache({
  trust,
  cognitoIdentity: new CognitoIdentityClient(clientConfig(tuning)),
  // One client per cached user, signed with that user's identity credentials: IoT Core then
  // enforces the user's own IAM role and attached IoT policy on the publish.
  iotDataFor: (credentials) =>
    new IoTDataPlaneClient(clientConfig({ ...tuning, endpoint: config.IOT_DATA_ENDPOINT, credentials })),
  now: Date.now,
  pool: { identityPoolId: config.IDENTITY_POOL_ID, developerProviderName: config.DEVELOPER_PROVIDER_NAME },
});
// Backend credentials for the registry (ownership) and for twin deletion / the device's notice;
// commands themselves are published with the user's own credentials (above).
const iot = createIotControlPlane(clientConfig(tuning));
const registry = { iot, iotData: new IoTDataPlaneClient(clientConfig({ ...tuning, endpoint: config.IOT_DATA_ENDPOINT })) };
const ownership = new OwnershipCache({ iot, now: Date.now });
const claimLimiter = new CallerClaimLimiter(() => Math.floor(Date.now() / 1000));
const onboardingTarget = { stateMachineArn: config.STATE_MACHINE_ARN, onboardingVersion: config.ONBOARDING_VERSION };
const deps = {
  access,
  log,
  config: { iotEndpoint: new URL(config.IOT_DATA_ENDPOINT).host, region: config.AWS_REGION },
  newCommandId: randomUUID,
  ensureOnboarding: (user: { sub: string; username: string; onboardedAttribute?: string | undefined }) =>
    ensureOnboardingExecution(sfn, onboardingTarget, user, AbortSignal.timeout(API_ENSURE_ONBOARDING_MS)),
  devices: { registry, ownership, claimLimiter },
  deadlineMs: FunctionBudgets.publishCommand.abortAfterMs,
};

/** HTTP API (payload 2.0) behind the user-pool JWT authorizer. */
export const handler = async (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
  log.addContext(context);
  return handleApiRequest(event, deps);
};
