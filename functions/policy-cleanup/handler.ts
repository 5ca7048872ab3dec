import { IoTClient } from '@aws-sdk/client-iot';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { clientConfig } from '../shared/clients';
import { createLogger } from '../shared/observability';
import { CFN_RESPONSE_TIMEOUT_MS, FunctionBudgets, LOOP_DEADLINE_MARGIN_MS } from '../shared/time-budgets';
import { detachAllTargets } from './core';

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
 * target of the product's policies so the policies themselves can be deleted. Create and Update
 * do nothing. Answers through the pre-signed ResponseURL, as the custom resource protocol requires:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 */
export const handler = async (raw: unknown, context?: Context) => {
  if (context) log.addContext(context);
  const event = eventSchema.parse(raw);
  const physicalResourceId = event.PhysicalResourceId ?? `policy-cleanup-${event.LogicalResourceId}`;
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = 'OK';
  try {
    const budget = context ? { budgetMs: Math.max(context.getRemainingTimeInMillis() - LOOP_DEADLINE_MARGIN_MS, 1_000) } : {};
    if (event.RequestType === 'Delete') await detachAllTargets(event.ResourceProperties.PolicyNames, { iot, log }, budget);
  } catch (error) {
    status = 'FAILED';
    reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    log.error('Policy cleanup failed', { reason });
  }
  const body = JSON.stringify({
    Status: status,
    Reason: reason.slice(0, 3000),
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  // The pre-signed URL takes a PUT with no content type.
  await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' }, signal: AbortSignal.timeout(CFN_RESPONSE_TIMEOUT_MS) });
};
