/**
 * What one request knows about its caller: the values policy variables and condition keys
 * resolve to. A value that is absent stays absent: the engine never substitutes a default.
 */

/** The registry thing of a connection (thing policy variables). */
export interface ConnectionThing {
  readonly thingName: string;
  readonly thingTypeName?: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface RequestContext {
  /** The caller's Cognito identity id: `${cognito-identity.amazonaws.com:sub}`. */
  readonly identityId?: string;
  /** The MQTT client id: `${iot:ClientId}`; absent for HTTP callers. */
  readonly clientId?: string;
  /**
   * The thing named by the client id, when it is attached to the caller's principal
   * (AttachThingPrincipal). Absent otherwise, so every `iot:Connection.Thing.*` value except
   * `IsAttached` is unresolved.
   */
  readonly thing?: ConnectionThing;
  /**
   * `iot:Connection.Thing.IsAttached`: whether the thing named by the client id is attached to
   * the principal. Absent for callers that are not MQTT connections.
   */
  readonly isAttached?: boolean;
}

const THING_ATTRIBUTE = /^iot:connection\.thing\.attributes\[(.+)\]$/i;

/**
 * The value of a policy variable or condition key for this request, or undefined when it has
 * none. Key names are case-insensitive ("IAM JSON policy elements: Condition": condition key
 * names are not case-sensitive, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html);
 * attribute names keep their case, as thing attributes do.
 * Thing variables: https://docs.aws.amazon.com/iot/latest/developerguide/thing-policy-variables.html
 */
export function contextValue(key: string, context: RequestContext): string | undefined {
  const attribute = THING_ATTRIBUTE.exec(key);
  if (attribute) return context.thing?.attributes[attribute[1] ?? ''];
  switch (key.toLowerCase()) {
    // AWS replaces this with the caller's Cognito Identity ID (cog-iot-policies).
    case 'cognito-identity.amazonaws.com:sub':
      return context.identityId;
    // "Basic AWS IoT Core policy variables": the MQTT client id of the connection.
    case 'iot:clientid':
      return context.clientId;
    case 'iot:connection.thing.thingname':
      return context.thing?.thingName;
    case 'iot:connection.thing.thingtypename':
      return context.thing?.thingTypeName;
    case 'iot:connection.thing.isattached':
      return context.isAttached === undefined ? undefined : String(context.isAttached);
    default:
      // Certificate variables and other context keys are not emulated: unresolved.
      return undefined;
  }
}
