import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { clientConfig } from '../../shared/aws/clients';
import { answerRequest, customResourceEventSchema, putAnswer } from '../../shared/aws/custom-resource';
import { FunctionBudgets } from '../../shared/aws/time-budgets';
import { createLogger } from '../../shared/observability/logging';
import { attachPostAuthentication, detachPostAuthentication } from './core';

const log = createLogger('pool-trigger');
const idp = new CognitoIdentityProviderClient(clientConfig(FunctionBudgets.poolTrigger.sdk));

const eventSchema = customResourceEventSchema(
  z.object({
    UserPoolId: z.string().check(z.regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'expected a user pool id')),
    TriggerArn: z.string().check(z.regex(/^arn:aws[\w-]*:lambda:/, 'expected a Lambda function ARN')),
    ChainArn: z.optional(z.string().check(z.regex(/^arn:aws[\w-]*:lambda:/, 'expected a Lambda function ARN'))),
    // CloudFormation passes every property as a string.
    AddCustomAttributes: z.optional(z.enum(['true', 'false'])),
  }),
);

/**
 * CloudFormation custom resource `Custom::PoolPostAuthentication` of an adopted user pool (design
 * section 11): Create and Update attach the product's post-authentication trigger and change
 * nothing else of the pool; Delete restores the trigger it had before (the chained one, or none).
 */
export const handler = async (raw: unknown, context?: Context) => {
  if (context) log.addContext(context);
  const event = eventSchema.parse(raw);
  const p = event.ResourceProperties;
  const request = { userPoolId: p.UserPoolId, triggerArn: p.TriggerArn, chainArn: p.ChainArn, addAttributes: p.AddCustomAttributes === 'true' };
  const attach = () => attachPostAuthentication(request, { idp, log });
  const answer = await answerRequest(event, { Create: attach, Update: attach, Delete: () => detachPostAuthentication(request, { idp, log }) }, log, 'pool-trigger');
  await putAnswer(event.ResponseURL, answer);
};
