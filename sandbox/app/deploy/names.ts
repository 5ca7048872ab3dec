import { SANDBOX_ACCOUNT, SANDBOX_BACKEND_CREDENTIALS, SANDBOX_REGION } from '../../wire/account';

/** Names the sandbox gives its "stack" resources, mirroring lib/ for the stack name below. */
export const SANDBOX_STACK = 'IotOnboarding';
export const STATE_MACHINE_NAME = `${SANDBOX_STACK}-onboarding`;
export const OFFBOARDING_STATE_MACHINE_NAME = `${SANDBOX_STACK}-offboarding`;
export const POLICY_NAME = `${SANDBOX_STACK}-user-iot`;
export const DEVICE_POLICY_NAME = `${SANDBOX_STACK}-device-iot`;
export const DEVELOPER_PROVIDER = `iot-onboarding.${SANDBOX_STACK}`;
export const AUTHORIZER_NAME = `${SANDBOX_STACK}-cognito`;
export const AUTHENTICATED_ROLE_ARN = roleArn('AuthenticatedRole');

/** The SDK configuration of the backend's own clients (the state machines' SDK tasks, the event source mappings, the operator). */
export const BACKEND_SDK_CONFIG = { region: SANDBOX_REGION, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 };

export function functionArn(name: string): string {
  return `arn:aws:lambda:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:function:${SANDBOX_STACK}-${name}`;
}

export function stateMachineArn(name: string): string {
  return `arn:aws:states:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:stateMachine:${name}`;
}

export function roleArn(role: string): string {
  return `arn:aws:iam::${SANDBOX_ACCOUNT}:role/${SANDBOX_STACK}-${role}`;
}
