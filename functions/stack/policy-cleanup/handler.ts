import { IoTClient } from '@aws-sdk/client-iot';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { clientConfig } from '../../shared/aws/clients';
import { createLogger } from '../../shared/observability/logging';
import { CFN_RESPONSE_TIMEOUT_MS, FunctionBudgets, LOOP_DEADLINE_MARGIN_MS } from '../../shared/aws/time-budgets';
import { tearDownPolicies } from './core';
import { answerRequest } from './response';

const log = createLogger('policy-cleanup');
// The SDK's own retries (4 attempts, FunctionBudgets.policyCleanup) absorb throttling on top of the pacing.
const iot = new IoTClient(clientConfig(FunctionBudgets.policyCleanup.sdk));

const eventSchema = z.object({
  RequestType: z.enum(['Create', 'Update', 'Delete']),
  ResponseURL: z.url(),
  StackId: z.string(),
  RequestId: z.string(),
  LogicalResourceId: z.string(),
  PhysicalResourceId: z.optional(z.string()),
  ResourceProperties: z.object({ PolicyNames: z.array(z.string()) }),
});

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
  const answer = await answerRequest(event, () => tearDownPolicies(event.ResourceProperties.PolicyNames, { iot, log }, budget), log);
  // The pre-signed URL takes a PUT with no content type.
  await fetch(event.ResponseURL, { method: 'PUT', body: JSON.stringify(answer), headers: { 'content-type': '' }, signal: AbortSignal.timeout(CFN_RESPONSE_TIMEOUT_MS) });
};
