import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IoT, IoTClient } from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll } from 'vitest';

/**
 * For a sandbox file that runs the onboarding workflow against mocked AWS: aws-sdk-client-mock
 * over IoT and Cognito user pools, restored after the file (the SDK clients' prototypes stay
 * patched until restored, and later files in this worker use them for real); the workflow's one
 * SDK task client (`sdk`), and the IoT client whose AttachPolicy is the attach gate's call (`iot`).
 */
export function onboardingWorkflowMocks() {
  const iotMock = mockClient(IoTClient);
  const cognitoMock = mockClient(CognitoIdentityProviderClient);
  afterAll(() => {
    iotMock.restore();
    cognitoMock.restore();
  });
  return {
    iotMock,
    cognitoMock,
    sdk: { cognitoidentityprovider: new CognitoIdentityProviderClient({ region: 'us-east-1', maxAttempts: 1 }) },
    iot: new IoT({ region: 'us-east-1', maxAttempts: 1 }),
  };
}
