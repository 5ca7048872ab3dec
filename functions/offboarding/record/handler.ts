import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { clientConfig } from '../../shared/aws/clients';
import { FunctionBudgets } from '../../shared/aws/time-budgets';
import { ConfigVars, loadConfig } from '../../shared/aws/config';
import { createCounter, createLogger } from '../../shared/observability/logging';
import { recordOffboarding } from './core';
import { taskHandler } from '../../shared/workflows/task-handler';

const config = loadConfig({ USER_POOL_ID: ConfigVars.userPoolId() });
const log = createLogger('offboard-record');
const metrics = createCounter('offboarding');
const idp = new CognitoIdentityProviderClient(clientConfig(FunctionBudgets.offboardingTask.sdk));

/** Step Functions task: throws named errors (the ASL retries UpstreamThrottled/UpstreamUnavailable). */
export const handler = taskHandler(log, 'Recording the offboarding failed', async (event) => {
  try {
    return await recordOffboarding(event, { idp, userPoolId: config.USER_POOL_ID, log, metrics });
  } finally {
    metrics.flush();
  }
});
