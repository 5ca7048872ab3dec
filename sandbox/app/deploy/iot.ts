import { devicePolicyDocument } from '../../../functions/shared/iot-policy/device-policy';
import { iotPolicyDocument } from '../../../functions/shared/iot-policy/user-policy';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../wire/account';
import type { IotCore } from '../../services/iot/core';
import type { LambdaRuntime } from '../lambda';
import { AUTHENTICATED_ROLE_ARN, AUTHORIZER_NAME, DEVICE_POLICY_NAME, POLICY_NAME, functionArn } from './names';

/** The user policy template (on the authenticated role and by name) and the device policy. */
export function deployIotPolicies(iot: IotCore): void {
  const env = { region: SANDBOX_REGION, account: SANDBOX_ACCOUNT };
  const policyDocument = iotPolicyDocument(env);
  iot.setRolePolicy(AUTHENTICATED_ROLE_ARN, policyDocument);
  iot.registry.createPolicy(POLICY_NAME, JSON.stringify(policyDocument));
  iot.registry.createPolicy(DEVICE_POLICY_NAME, JSON.stringify(devicePolicyDocument(env)));
}

/** The second source article's path: MQTT username/password checked by the real authorizer. */
export function registerIotAuthorizer(iot: IotCore, lambda: LambdaRuntime): void {
  iot.registerAuthorizer({
    name: AUTHORIZER_NAME,
    signingDisabled: true,
    functionArn: functionArn('iot-authorizer'),
    handler: (event) => lambda.invoke('iot-authorizer', event),
  });
}
