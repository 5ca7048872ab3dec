/**
 * The DEVICE policy template (design section 8): one static `AWS::IoT::Policy` attached to every
 * device certificate, made per-device by thing policy variables
 * (https://docs.aws.amazon.com/iot/latest/developerguide/thing-policy-variables.html). They
 * resolve only for the thing attached to the certificate whose name is the client id, and an
 * unresolved variable matches nothing, so:
 *  - a device connects only as its own thing name;
 *  - it uses its own classic shadow;
 *  - it reaches its twin (the named shadow `<thingName>` of its owner's identity thing) only once
 *    claimed: before that the `owner` attribute does not exist and the statement never matches.
 */

/** The thing attribute that holds the owner's Cognito identity id. */
export const OWNER_ATTRIBUTE = 'owner';

const THING = '${iot:Connection.Thing.ThingName}';
const OWNER = `\${iot:Connection.Thing.Attributes[${OWNER_ATTRIBUTE}]}`;

export interface DevicePolicyScope {
  /** AWS partition. Default `aws`. */
  readonly partition?: string;
  readonly region: string;
  readonly account: string;
}

export interface DevicePolicyStatement {
  readonly Effect: 'Allow';
  readonly Action: readonly ('iot:Connect' | 'iot:Publish' | 'iot:Receive' | 'iot:Subscribe')[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface DevicePolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly DevicePolicyStatement[];
}

/** The device's own classic shadow and its twin in its owner's namespace, as topic names. */
export const DEVICE_TOPICS = {
  ownShadow: `$aws/things/${THING}/shadow/*`,
  twin: `$aws/things/${OWNER}/shadow/name/${THING}/*`,
} as const;

export function devicePolicyDocument(scope: DevicePolicyScope): DevicePolicyDocument {
  const arn = (resource: string) => `arn:${scope.partition ?? 'aws'}:iot:${scope.region}:${scope.account}:${resource}`;
  const topics = [DEVICE_TOPICS.ownShadow, DEVICE_TOPICS.twin];
  return {
    Version: '2012-10-17',
    Statement: [
      // AWS's own thing-policy example adds IsAttached to Connect: a certificate connects only as
      // a thing it is attached to (https://docs.aws.amazon.com/iot/latest/developerguide/thing-policy-variables.html).
      {
        Effect: 'Allow',
        Action: ['iot:Connect'],
        Resource: [arn(`client/${THING}`)],
        Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
      },
      { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: topics.map((t) => arn(`topic/${t}`)) },
      { Effect: 'Allow', Action: ['iot:Subscribe'], Resource: topics.map((t) => arn(`topicfilter/${t}`)) },
    ],
  };
}
