import { IoTClient } from '@aws-sdk/client-iot';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { answerRequest, customResourceEventSchema, putAnswer } from '../../shared/aws/custom-resource';
import { clientConfig } from '../../shared/aws/clients';
import { createLogger } from '../../shared/observability/logging';
import { FunctionBudgets, LOOP_DEADLINE_MARGIN_MS } from '../../shared/aws/time-budgets';
import { tearDownPolicies } from './core';

const log = createLogger('policy-cleanup');
// The SDK's own retries (4 attempts, FunctionBudgets.policyCleanup) absorb throttling on top of the pacing.
const iot = new IoTClient(clientConfig(FunctionBudgets.policyCleanup.sdk));

const eventSchema = customResourceEventSchema(z.object({ PolicyNames: z.array(z.string()) }));

/**
 * CloudFormation custom resource (service token = this function): on Delete, detaches every
 * target of the product's policies and deletes them (see core.ts); Create and Update do nothing.
 * Answers through the pre-signed ResponseURL, as the custom resource protocol requires:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 */
export const handler = async (raw: unknown, context?: Context) => {
  if (context) log.addContext(context);
  const event = eventSchema.parse(raw);
  const budget = context ? { budgetMs: Math.max(context.getRemainingTimeInMillis() - LOOP_DEADLINE_MARGIN_MS, 1_000) } : {};
  const answer = await answerRequest(event, { Delete: () => tearDownPolicies(event.ResourceProperties.PolicyNames, { iot, log }, budget) }, log, 'policy-cleanup');
  await putAnswer(event.ResponseURL, answer);
};
