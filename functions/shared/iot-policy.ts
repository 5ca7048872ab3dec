/**
 * The IoT policy template: the single source of truth for what an onboarded user may do in
 * AWS IoT Core. It is rendered into
 *  - the `AWS::IoT::Policy` attached to each user's Cognito identity (lib/),
 *  - the identity pool's authenticated IAM role (dual authorization: for Cognito identities IoT
 *    allows an action only if BOTH the role and the attached policy allow it),
 *  - the custom authorizer's per-user policy (functions/iot-authorizer),
 *  - the sandbox's authorization engine and the admin `diagnose` command.
 *
 * Defaults follow the first source article: connect as your own identity, use your own shadow
 * and the shadows of devices whose name starts with the device prefix, watch those devices'
 * presence. Presence is narrowed to the device prefix (the article allowed every client id).
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
  /** Thing-name prefix of the devices users may command. Default `device_`. */
  readonly devicePrefix?: string;
}

export const DEFAULT_DEVICE_PREFIX = 'device_';
const DEVICE_PREFIX_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Renders the statements for one principal. `principal` defaults to the Cognito identity
 * policy variable (for the IoT policy and the IAM role); the custom authorizer passes the
 * user's literal identity id.
 */
export function iotPolicyStatements(scope: PolicyScope, principal: string = COGNITO_IDENTITY_VARIABLE): PolicyStatement[] {
  const prefix = scope.devicePrefix ?? DEFAULT_DEVICE_PREFIX;
  if (!DEVICE_PREFIX_PATTERN.test(prefix)) {
    throw new Error(`devicePrefix "${prefix}" is invalid: expected 1-64 characters of A-Z a-z 0-9 _ - (no wildcards)`);
  }
  const arn = (resource: string) => `arn:${scope.partition ?? 'aws'}:iot:${scope.region}:${scope.account}:${resource}`;
  const ownShadow = `$aws/things/${principal}/shadow/*`;
  const deviceShadows = `$aws/things/${prefix}*/shadow/*`;
  const presence = [`$aws/events/presence/connected/${prefix}*`, `$aws/events/presence/disconnected/${prefix}*`];
  return [
    { Effect: 'Allow', Action: ['iot:Connect'], Resource: [arn(`client/${principal}`)] },
    {
      Effect: 'Allow',
      Action: ['iot:Publish', 'iot:Receive'],
      Resource: [arn(`topic/${ownShadow}`), arn(`topic/${deviceShadows}`)],
    },
    {
      Effect: 'Allow',
      Action: ['iot:Subscribe'],
      Resource: [arn(`topicfilter/${ownShadow}`), arn(`topicfilter/${deviceShadows}`)],
    },
    { Effect: 'Allow', Action: ['iot:Subscribe'], Resource: presence.map((t) => arn(`topicfilter/${t}`)) },
    { Effect: 'Allow', Action: ['iot:Receive'], Resource: presence.map((t) => arn(`topic/${t}`)) },
  ];
}

/** The full policy document (what `AWS::IoT::Policy` and `CreatePolicy` take). */
export function iotPolicyDocument(scope: PolicyScope, principal?: string): PolicyDocument {
  return { Version: '2012-10-17', Statement: iotPolicyStatements(scope, principal) };
}
