import * as z from 'zod/mini';

/**
 * The user-pool calls after which a user may no longer be served: the offboarding rule listens for
 * them. Cognito records every user-pool API action in CloudTrail as a management event
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-info-in-cloudtrail.html),
 * and EventBridge delivers management events of the account's trail as
 * "AWS API Call via CloudTrail" on the default bus.
 */
export const USER_LIFECYCLE_EVENT_NAMES = ['AdminDeleteUser', 'AdminDisableUser', 'DeleteUser'] as const;
export type UserLifecycleEventName = (typeof USER_LIFECYCLE_EVENT_NAMES)[number];

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
export const COGNITO_IDP_EVENT_SOURCE = 'aws.cognito-idp';
export const COGNITO_IDP_CLOUDTRAIL_SOURCE = 'cognito-idp.amazonaws.com';

/**
 * The value CloudTrail records in place of private request fields. Cognito "obscures some private
 * fields in your CloudTrail events" (page above; it spells the marker HIDDEN_FOR_SECURITY_REASONS,
 * the records themselves carry HIDDEN_DUE_TO_SECURITY_REASONS as every service does): the
 * `username` of Admin* calls and the `accessToken` of DeleteUser are never readable.
 */
export const CLOUDTRAIL_HIDDEN_VALUE = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/**
 * The EventBridge rule pattern (CDK `events.Rule({ eventPattern })` takes it with camelCase keys,
 * see {@link userLifecycleCdkEventPattern}). `errorCode` absent: CloudTrail also records refused
 * calls (with `errorCode`), and a refused AdminDeleteUser deleted no one.
 */
export const userLifecycleEventPattern = {
  source: [COGNITO_IDP_EVENT_SOURCE],
  'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
  detail: {
    eventSource: [COGNITO_IDP_CLOUDTRAIL_SOURCE],
    eventName: [...USER_LIFECYCLE_EVENT_NAMES],
    errorCode: [{ exists: false }],
  },
} as const;

/** The same pattern in the shape of aws-cdk-lib's `events.EventPattern`. */
export const userLifecycleCdkEventPattern = {
  source: [...userLifecycleEventPattern.source],
  detailType: [...userLifecycleEventPattern['detail-type']],
  detail: {
    eventSource: [...userLifecycleEventPattern.detail.eventSource],
    eventName: [...userLifecycleEventPattern.detail.eventName],
    errorCode: [{ exists: false }],
  },
};

/**
 * The `detail` of such an event, parsed at the edge. What the product can rely on:
 * - `additionalEventData.sub`: "Amazon Cognito records UserSub but not UserName in CloudTrail
 *   logs for requests that are specific to a user" (page above) — the only user reference;
 * - `requestParameters.userPoolId` for the Admin* calls; DeleteUser (access token only) has none,
 *   so a handler resolves the user pool itself and treats the sub as the key;
 * - `requestParameters.username` / `.accessToken` are {@link CLOUDTRAIL_HIDDEN_VALUE}.
 */
export const userLifecycleDetailSchema = z.object({
  eventSource: z.literal(COGNITO_IDP_CLOUDTRAIL_SOURCE),
  eventName: z.enum(USER_LIFECYCLE_EVENT_NAMES),
  eventTime: z.string(),
  awsRegion: z.string(),
  eventID: z.string(),
  requestParameters: z.nullable(z.object({ userPoolId: z.optional(z.string()) })),
  additionalEventData: z.object({ sub: z.uuid() }),
  errorCode: z.optional(z.string()),
});

/** The whole EventBridge event as a rule target receives it. */
export const userLifecycleEventSchema = z.object({
  version: z.string(),
  id: z.string(),
  'detail-type': z.literal(CLOUDTRAIL_DETAIL_TYPE),
  source: z.literal(COGNITO_IDP_EVENT_SOURCE),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
  detail: userLifecycleDetailSchema,
});
export type UserLifecycleEvent = z.infer<typeof userLifecycleEventSchema>;

/**
 * The full CloudTrail record Cognito writes for these calls (what the sandbox emits). Fields beyond
 * the parsed schema are for fidelity; handlers must not depend on them.
 */
export interface CognitoCloudTrailRecord {
  readonly eventVersion: '1.08';
  readonly userIdentity: Readonly<Record<string, unknown>>;
  readonly eventTime: string;
  readonly eventSource: typeof COGNITO_IDP_CLOUDTRAIL_SOURCE;
  readonly eventName: UserLifecycleEventName;
  readonly awsRegion: string;
  readonly sourceIPAddress: string;
  readonly userAgent: string;
  readonly requestParameters: Readonly<Record<string, string>>;
  readonly responseElements: null;
  readonly additionalEventData: { readonly sub: string };
  readonly requestID: string;
  readonly eventID: string;
  readonly readOnly: false;
  readonly eventType: 'AwsApiCall';
  readonly managementEvent: true;
  readonly recipientAccountId: string;
  readonly eventCategory: 'Management';
}

/** Parses an event delivered to the offboarding target; undefined when it is not one of ours. */
export function parseUserLifecycleEvent(event: unknown): UserLifecycleEvent | undefined {
  const parsed = userLifecycleEventSchema.safeParse(event);
  return parsed.success ? parsed.data : undefined;
}
