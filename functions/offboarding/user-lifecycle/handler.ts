import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { clientConfig } from '../../shared/aws/clients';
import { FunctionBudgets } from '../../shared/aws/time-budgets';
import { ConfigVars, loadConfig } from '../../shared/aws/config';
import { createCounter, createLogger } from '../../shared/observability/logging';
import { onUserLifecycleEvent } from './core';

const config = loadConfig({ STATE_MACHINE_ARN: ConfigVars.arn('states'), USER_POOL_ID: ConfigVars.userPoolId() });
const log = createLogger('user-lifecycle');
const metrics = createCounter('user-lifecycle');
const sfn = new SFNClient(clientConfig(FunctionBudgets.userLifecycle.sdk));

/** EventBridge target: starts offboarding for a deleted or disabled user. */
export const handler = async (event: unknown, context?: Context) => {
  if (context) log.addContext(context);
  try {
    return await onUserLifecycleEvent(event, {
      sfn,
      log,
      metrics,
      config: { stateMachineArn: config.STATE_MACHINE_ARN, userPoolId: config.USER_POOL_ID },
    });
  } finally {
    metrics.flush();
  }
};
