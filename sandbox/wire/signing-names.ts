/**
 * The SigV4 signing names (the `service` of the credential scope) each emulated API accepts:
 * exactly those AWS accepts for it. The first name is the one the current SDKs use and the one
 * a refusal names.
 */
export const SIGNING_NAMES = {
  /**
   * IoT control plane: current SDK models sign as `iot`; SDKs and CLIs built on models from before
   * May 2023 sign as `execute-api`, which AWS still accepts (the SDKs' switch:
   * https://github.com/aws/aws-sdk-php/pull/2698, "changed their signing name from execute-api to iot").
   */
  iot: ['iot', 'execute-api'],
  /** IoT data plane (REST), the `iotdata` signing name of the iot-data service model. */
  iotData: ['iotdata'],
  /** MQTT over WebSocket: https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html */
  iotDeviceGateway: ['iotdevicegateway'],
  states: ['states'],
  cognitoIdp: ['cognito-idp'],
  cognitoIdentity: ['cognito-identity'],
  /** SQS, both wire protocols (JSON 1.0 and query): the `sqs` signing name of the service model. */
  sqs: ['sqs'],
  /** CloudWatch, both wire protocols: the `monitoring` signing name (the service model's endpoint prefix). */
  cloudwatch: ['monitoring'],
} as const satisfies Record<string, readonly [string, ...string[]]>;

export type SigningNames = readonly [string, ...string[]];
