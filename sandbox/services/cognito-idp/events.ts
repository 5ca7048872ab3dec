import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  CLOUDTRAIL_HIDDEN_VALUE,
  COGNITO_IDP_CLOUDTRAIL_SOURCE,
  type CognitoCloudTrailRecord,
  type UserLifecycleEventName,
} from '../../../functions/shared/identity/lifecycle-events';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../wire/account';
import type { IssuedCredentials } from '../../wire/credentials';
import type { PoolRecord, UserRecord } from './state';

/** Receives the CloudTrail record of each recorded call (the sandbox forwards it to its event bus). */
export type CloudTrailListener = (record: CognitoCloudTrailRecord) => void;

function userIdentity(caller: IssuedCredentials | undefined): Record<string, unknown> {
  // Calls authorized by a user's access token carry no IAM identity. The sandbox records them as
  // CloudTrail's unknown, anonymous principal; the documented examples
  // (https://docs.aws.amazon.com/cognito/latest/developerguide/understanding-amazon-cognito-entries.html)
  // show no DeleteUser record, so this field is a stand-in and the product's schema ignores it.
  if (!caller) return { type: 'Unknown', principalId: 'Anonymous' };
  // The sandbox backend credentials stand in for the functions' execution roles.
  return {
    type: 'IAMUser',
    principalId: caller.accessKeyId,
    arn: `arn:aws:iam::${SANDBOX_ACCOUNT}:user/sandbox-backend`,
    accountId: SANDBOX_ACCOUNT,
    accessKeyId: caller.accessKeyId,
    userName: 'sandbox-backend',
  };
}

/**
 * The CloudTrail record Cognito writes for a successful user-specific call. What Cognito records
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-info-in-cloudtrail.html):
 * "Amazon Cognito records UserSub but not UserName in CloudTrail logs for requests that are
 * specific to a user" — the sub goes to `additionalEventData.sub`, and the private request fields
 * (`username`, `accessToken`) are replaced by HIDDEN_DUE_TO_SECURITY_REASONS. `userPoolId` is kept
 * (Admin* calls only; DeleteUser names no pool). `responseElements` is null: these calls answer `{}`.
 */
export function userCallRecord(
  eventName: UserLifecycleEventName,
  call: { pool: PoolRecord; user: UserRecord; req: IncomingMessage; caller?: IssuedCredentials | undefined; eventTime: number },
): CognitoCloudTrailRecord {
  const requestParameters: Record<string, string> =
    eventName === 'DeleteUser' ? { accessToken: CLOUDTRAIL_HIDDEN_VALUE } : { userPoolId: call.pool.id, username: CLOUDTRAIL_HIDDEN_VALUE };
  const ua = call.req.headers['user-agent'];
  return {
    eventVersion: '1.08',
    userIdentity: userIdentity(call.caller),
    eventTime: new Date(call.eventTime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: COGNITO_IDP_CLOUDTRAIL_SOURCE,
    eventName,
    awsRegion: SANDBOX_REGION,
    sourceIPAddress: call.req.socket.remoteAddress ?? '127.0.0.1',
    userAgent: typeof ua === 'string' ? ua : 'unknown',
    requestParameters,
    responseElements: null,
    additionalEventData: { sub: call.user.sub },
    requestID: randomUUID(),
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: SANDBOX_ACCOUNT,
    eventCategory: 'Management',
  };
}

/** Records a call that succeeded; refused calls change nothing and are not delivered (the rule filters `errorCode`). */
export function recordUserCall(
  sink: { listener?: CloudTrailListener },
  eventName: UserLifecycleEventName,
  call: Parameters<typeof userCallRecord>[1],
): void {
  sink.listener?.(userCallRecord(eventName, call));
}
