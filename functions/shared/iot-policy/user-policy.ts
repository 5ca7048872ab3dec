/**
 * The USER policy template (design section 4): the single source of truth for what an onboarded
 * user may do in AWS IoT Core. It is rendered into
 *  - the `AWS::IoT::Policy` attached to each user's Cognito identity (lib/),
 *  - the identity pool's authenticated IAM role (dual authorization: for Cognito identities IoT
 *    allows an action only if BOTH the role and the attached policy allow it),
 *  - the custom authorizer's per-user policy (functions/authorizer/iot-authorizer),
 *  - the sandbox's authorization engine and the admin `diagnose` command.
 *
 * A user connects as their own identity id, or as it followed by `-` and a suffix of their choice
 * (one per browser tab or app instance: IoT disconnects a second connection with the same client
 * id), and uses the shadows of the thing named by that id,
 * classic and named. Nothing else: no device shadows (a user reaches a device through its twin,
 * the named shadow `<thingName>` in the owner's own namespace, design section 8) and no presence
 * topics of other clients.
 */

/** IoT and IAM policy variable that AWS replaces with the caller's Cognito Identity ID. */
export const COGNITO_IDENTITY_VARIABLE = '${cognito-identity.amazonaws.com:sub}';

export type IotAction = 'iot:Connect' | 'iot:Publish' | 'iot:Subscribe' | 'iot:Receive';

export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: readonly IotAction[];
  readonly Resource: readonly string[];
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

export interface PolicyScope {
  /** AWS partition. Default `aws`. */
  readonly partition?: string;
  readonly region: string;
  readonly account: string;
}

/** Between the identity id and a connection's own suffix in a client id: `<identityId>-<suffix>`. */
export const CLIENT_ID_SEPARATOR = '-';

/** The topic of a device's twin: the named shadow `<thingName>` of its owner's identity thing. */
export function twinTopic(ownerIdentityId: string, thingName: string, operation: string): string {
  return `$aws/things/${ownerIdentityId}/shadow/name/${thingName}/${operation}`;
}

/**
 * Renders the statements for one principal. `principal` defaults to the Cognito identity
 * policy variable (for the IoT policy and the IAM role); the custom authorizer passes the
 * user's literal identity id.
 */
export function iotPolicyStatements(scope: PolicyScope, principal: string = COGNITO_IDENTITY_VARIABLE): PolicyStatement[] {
  const arn = (resource: string) => `arn:${scope.partition ?? 'aws'}:iot:${scope.region}:${scope.account}:${resource}`;
  // `shadow/*` covers the classic shadow and every named shadow (`shadow/name/<n>/...`): the
  // user's twins of their devices live there.
  const ownShadows = `$aws/things/${principal}/shadow/*`;
  return [
    // An identity id is `<region>:<UUID>`, fixed length, so `<id>-*` matches no other identity's
    // client ids. `*` is a wildcard in IoT policy resources, also next to a policy variable
    // (https://docs.aws.amazon.com/iot/latest/developerguide/iot-policy-variables.html).
    { Effect: 'Allow', Action: ['iot:Connect'], Resource: [arn(`client/${principal}`), arn(`client/${principal}${CLIENT_ID_SEPARATOR}*`)] },
    { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: [arn(`topic/${ownShadows}`)] },
    { Effect: 'Allow', Action: ['iot:Subscribe'], Resource: [arn(`topicfilter/${ownShadows}`)] },
  ];
}

/** The full policy document (what `AWS::IoT::Policy` and `CreatePolicy` take). */
export function iotPolicyDocument(scope: PolicyScope, principal?: string): PolicyDocument {
  return { Version: '2012-10-17', Statement: iotPolicyStatements(scope, principal) };
}
