import * as z from 'zod/mini';
import { errorMessage, errorName } from './error-name';
import type { Log } from '../observability/logging';
import { CFN_RESPONSE_TIMEOUT_MS } from './time-budgets';

/** The fields of a CloudFormation custom resource request the answer needs. */
export interface CustomResourceRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string | undefined;
}

/** The answer PUT to the request's ResponseURL (custom resource response objects). */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
}

/** CloudFormation takes a response body of at most 4,096 bytes; the reason leaves room for the rest. */
const MAX_REASON_LENGTH = 3_000;

/** What a request type does; a type without work answers SUCCESS at once. */
export type CustomResourceWork = Partial<Record<CustomResourceRequest['RequestType'], () => Promise<unknown>>>;

/**
 * Runs the work of the request's type and answers SUCCESS only when it resolved; anything it
 * throws answers FAILED with the error's name and message as the reason, which CloudFormation
 * shows as the resource's status reason. "To successfully delete a stack with a custom resource,
 * the custom resource provider must respond successfully to a delete request":
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-delete.html
 * The physical id is `<prefix>-<logical id>` until the request carries one.
 */
export async function answerRequest(request: CustomResourceRequest, work: CustomResourceWork, log: Log, prefix: string): Promise<CustomResourceResponse> {
  const answer = (Status: CustomResourceResponse['Status'], Reason: string): CustomResourceResponse => ({
    Status,
    Reason: Reason.slice(0, MAX_REASON_LENGTH),
    PhysicalResourceId: request.PhysicalResourceId ?? `${prefix}-${request.LogicalResourceId}`,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
  });
  try {
    await work[request.RequestType]?.();
    return answer('SUCCESS', 'OK');
  } catch (error) {
    const reason = `${errorName(error)}: ${errorMessage(error)}`;
    log.error('Custom resource request failed', { reason, requestType: request.RequestType });
    return answer('FAILED', reason);
  }
}

/** A custom resource request with these properties, as CloudFormation sends it to the function. */
export function customResourceEventSchema<P extends z.ZodMiniType>(properties: P) {
  return z.object({
    RequestType: z.enum(['Create', 'Update', 'Delete']),
    ResponseURL: z.url(),
    StackId: z.string(),
    RequestId: z.string(),
    LogicalResourceId: z.string(),
    PhysicalResourceId: z.optional(z.string()),
    ResourceProperties: properties,
  });
}

/**
 * PUTs the answer to the pre-signed ResponseURL, with no content type, as the custom resource
 * protocol requires: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 */
export async function putAnswer(responseUrl: string, answer: CustomResourceResponse): Promise<void> {
  await fetch(responseUrl, { method: 'PUT', body: JSON.stringify(answer), headers: { 'content-type': '' }, signal: AbortSignal.timeout(CFN_RESPONSE_TIMEOUT_MS) });
}
