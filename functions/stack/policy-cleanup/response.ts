import { errorMessage, errorName } from '../../shared/aws/error-name';
import type { Log } from '../../shared/observability/logging';

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

/**
 * Runs `onDelete` for a Delete request (Create and Update do nothing) and answers SUCCESS only when
 * it resolved; anything it throws answers FAILED with the error's name and message as the reason,
 * which CloudFormation shows as the resource's status reason. "To successfully delete a stack with
 * a custom resource, the custom resource provider must respond successfully to a delete request":
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-delete.html
 */
export async function answerRequest(request: CustomResourceRequest, onDelete: () => Promise<unknown>, log: Log): Promise<CustomResourceResponse> {
  const answer = (Status: CustomResourceResponse['Status'], Reason: string): CustomResourceResponse => ({
    Status,
    Reason: Reason.slice(0, MAX_REASON_LENGTH),
    PhysicalResourceId: request.PhysicalResourceId ?? `policy-cleanup-${request.LogicalResourceId}`,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
  });
  try {
    if (request.RequestType === 'Delete') await onDelete();
    return answer('SUCCESS', 'OK');
  } catch (error) {
    const reason = `${errorName(error)}: ${errorMessage(error)}`;
    log.error('Policy cleanup failed', { reason, requestType: request.RequestType });
    return answer('FAILED', reason);
  }
}
