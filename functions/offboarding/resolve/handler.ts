import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { clientConfig } from '../../shared/aws/clients';
import { FunctionBudgets } from '../../shared/aws/time-budgets';
import { ConfigVars, loadConfig } from '../../shared/aws/config';
import { createLogger } from '../../shared/observability/logging';
import { resolveOffboarding } from './core';
import { taskHandler } from '../../shared/workflows/task-handler';

const config = loadConfig({ IDENTITY_POOL_ID: ConfigVars.identityPoolId(), USER_POOL_ID: ConfigVars.userPoolId() });
const log = createLogger('offboard-resolve');
const cognitoIdentity = new CognitoIdentityClient(clientConfig(FunctionBudgets.offboardingTask.sdk));
const idp = new CognitoIdentityProviderClient(clientConfig(FunctionBudgets.offboardingTask.sdk));

/** Step Functions task: throws named errors (the ASL retries UpstreamThrottled/UpstreamUnavailable). */
export const handler = taskHandler(log, 'Offboarding identity resolution failed', (event) =>
  resolveOffboarding(event, { cognitoIdentity, idp, identityPoolId: config.IDENTITY_POOL_ID, userPoolId: config.USER_POOL_ID, log }),
);
