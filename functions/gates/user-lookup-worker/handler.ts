import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { clientConfig } from '../../shared/aws/clients';
import { ConfigVars, loadConfig } from '../../shared/aws/config';
import { FunctionBudgets } from '../../shared/aws/time-budgets';
import { gateConsumer } from '../../shared/gates/consumer';
import { UserLookupGate } from '../../shared/gates/gates';
import { userLookupBatch } from './core';

const config = loadConfig({
  IDENTITY_POOL_ID: ConfigVars.identityPoolId(),
  USER_POOL_ID: ConfigVars.userPoolId(),
  STATE_MACHINE_ARN: ConfigVars.arn('states'),
  GATE_RATE: z.optional(z.string()),
});
const tuning = FunctionBudgets.gateWorker.sdk;
const cognitoIdentity = new CognitoIdentityClient(clientConfig(tuning));
const idp = new CognitoIdentityProviderClient(clientConfig(tuning));
const sfn = new SFNClient(clientConfig(tuning));

/** SQS event source (ReportBatchItemFailures) of the user-lookup gate's queue. */
export const { handler } = gateConsumer(UserLookupGate, config.GATE_RATE, (records, invocation) =>
  userLookupBatch(records, {
    ...invocation,
    cognitoIdentity,
    idp,
    sfn,
    identityPoolId: config.IDENTITY_POOL_ID,
    userPoolId: config.USER_POOL_ID,
    offboardingStateMachineArn: config.STATE_MACHINE_ARN,
  }),
);
