import { randomUUID } from 'node:crypto';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { clientConfig } from '../shared/clients';
import { ConfigVars, loadConfig } from '../shared/config';
import { FunctionBudgets } from '../shared/time-budgets';
import { createLogger } from '../shared/observability';
import { UserAccessCache } from './access-cache';
import { handleApiRequest } from './core';

const config = loadConfig({
  USER_POOL_ID: ConfigVars.userPoolId(),
  IDENTITY_POOL_ID: ConfigVars.identityPoolId(),
  DEVELOPER_PROVIDER_NAME: ConfigVars.providerName(),
  IOT_DATA_ENDPOINT: ConfigVars.url(),
  AWS_REGION: ConfigVars.region(),
});
const log = createLogger('publish-command');
const tuning = FunctionBudgets.publishCommand.sdk;
const access = new UserAccessCache({
  cognitoIdp: new CognitoIdentityProviderClient(clientConfig(tuning)),
  cognitoIdentity: new CognitoIdentityClient(clientConfig(tuning)),
  // One client per cached user, signed with that user's identity credentials: IoT Core then
  // enforces the user's own IAM role and attached IoT policy on the publish.
  iotDataFor: (credentials) =>
    new IoTDataPlaneClient(clientConfig({ ...tuning, endpoint: config.IOT_DATA_ENDPOINT, credentials })),
  now: Date.now,
  userPoolId: config.USER_POOL_ID,
  pool: { identityPoolId: config.IDENTITY_POOL_ID, developerProviderName: config.DEVELOPER_PROVIDER_NAME },
});
const deps = {
  access,
  log,
  config: { iotEndpoint: new URL(config.IOT_DATA_ENDPOINT).host, region: config.AWS_REGION },
  newCommandId: randomUUID,
};

/** HTTP API (payload 2.0) behind the user-pool JWT authorizer. */
export const handler = async (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
  log.addContext(context);
  return handleApiRequest(event, deps);
};
