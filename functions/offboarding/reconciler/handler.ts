import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { clientConfig } from '../../shared/aws/clients';
import { createIotControlPlane } from '../../shared/aws/iot-control-plane/client';
import { FunctionBudgets, LOOP_DEADLINE_MARGIN_MS } from '../../shared/aws/time-budgets';
import { ConfigVars, loadConfig } from '../../shared/aws/config';
import { createCounter, createLogger } from '../../shared/observability/logging';
import { ListUsersShares } from '../../shared/aws/quotas';
import { reconcile } from './core';

const config = loadConfig({
  STATE_MACHINE_ARN: ConfigVars.arn('states'),
  USER_POOL_ID: ConfigVars.userPoolId(),
  IDENTITY_POOL_ID: ConfigVars.identityPoolId(),
  IOT_POLICY_NAME: z.string().check(z.regex(/^[\w+=,.@-]{1,128}$/, 'expected an IoT policy name')),
  RECONCILE_RATE: z.optional(z.string().check(z.regex(/^\d+(\.\d+)?$/, 'expected identities per second'))),
});
const log = createLogger('offboard-reconciler');
const metrics = createCounter('offboard-reconciler');
const clients = {
  iot: createIotControlPlane(clientConfig(FunctionBudgets.reconciler.sdk)),
  cognitoIdentity: new CognitoIdentityClient(clientConfig(FunctionBudgets.reconciler.sdk)),
  idp: new CognitoIdentityProviderClient(clientConfig(FunctionBudgets.reconciler.sdk)),
  sfn: new SFNClient(clientConfig(FunctionBudgets.reconciler.sdk)),
};

/** Scheduled (EventBridge rule): offboards identities holding the policy whose user is gone or disabled. */
export const handler = async (_event: unknown, context?: Context) => {
  if (context) log.addContext(context);
  try {
    const report = await reconcile(
      {
        policyName: config.IOT_POLICY_NAME,
        identityPoolId: config.IDENTITY_POOL_ID,
        userPoolId: config.USER_POOL_ID,
        offboardingStateMachineArn: config.STATE_MACHINE_ARN,
        dryRun: false,
        ratePerSecond: config.RECONCILE_RATE === undefined ? ListUsersShares.reconcilerDefault : Number(config.RECONCILE_RATE),
        ...(context ? { budgetMs: Math.max(context.getRemainingTimeInMillis() - LOOP_DEADLINE_MARGIN_MS, 1_000) } : {}),
      },
      { ...clients, log, metrics },
    );
    return { checked: report.checked, complete: report.complete, found: report.findings.length };
  } finally {
    metrics.flush();
  }
};
