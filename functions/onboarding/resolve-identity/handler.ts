import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { taskHandler } from '../../shared/workflows/task-handler';
import { clientConfig } from '../../shared/aws/clients';
import { ConfigVars, loadConfig } from '../../shared/aws/config';
import { createLogger } from '../../shared/observability/logging';
import { FunctionBudgets } from '../../shared/aws/time-budgets';
import { resolveIdentity } from './core';

const config = loadConfig({
  IDENTITY_POOL_ID: ConfigVars.identityPoolId(),
  DEVELOPER_PROVIDER_NAME: ConfigVars.providerName(),
});
const cognitoIdentity = new CognitoIdentityClient(clientConfig(FunctionBudgets.resolveIdentity.sdk));
const pool = { identityPoolId: config.IDENTITY_POOL_ID, developerProviderName: config.DEVELOPER_PROVIDER_NAME };

const log = createLogger('resolve-identity');

/** Step Functions task: throws named errors (the ASL retries UpstreamThrottled/UpstreamUnavailable). */
export const handler = taskHandler(log, 'Identity resolution failed', (event) => resolveIdentity(event, { cognitoIdentity, pool }));
