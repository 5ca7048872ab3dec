import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { clientConfig } from '../../shared/aws/clients';
import { FunctionBudgets } from '../../shared/aws/time-budgets';
import { createLogger } from '../../shared/observability/logging';
import { removeIdentity } from './core';
import { taskHandler } from '../../shared/workflows/task-handler';

const log = createLogger('offboard-remove-identity');
const cognitoIdentity = new CognitoIdentityClient(clientConfig(FunctionBudgets.offboardingTask.sdk));

/** Step Functions task: throws named errors (the ASL retries UpstreamThrottled/UpstreamUnavailable). */
export const handler = taskHandler(log, 'Removing the developer identity failed', (event) => removeIdentity(event, { cognitoIdentity, log }));
