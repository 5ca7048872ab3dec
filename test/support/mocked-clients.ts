import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IoT, IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * aws-sdk-client-mock over the four SDK clients the onboarding and offboarding task cores call.
 * The mocks patch the clients' prototypes, so every client of these kinds answers from them: for
 * files of the code project, which reset their mocks before use (see vitest.config.ts).
 */
export function mockedClients() {
  const mocks = {
    identityMock: mockClient(CognitoIdentityClient),
    idpMock: mockClient(CognitoIdentityProviderClient),
    iotMock: mockClient(IoTClient),
    iotDataMock: mockClient(IoTDataPlaneClient),
  };
  return {
    ...mocks,
    /** Forgets every mock's behaviours and recorded calls. */
    resetMocks() {
      for (const mock of Object.values(mocks)) mock.reset();
    },
    /** New clients of the four kinds (us-east-1, one attempt) for the task cores of one run. */
    clients() {
      const config = { region: 'us-east-1', maxAttempts: 1 };
      return {
        cognitoIdentity: new CognitoIdentityClient(config),
        idp: new CognitoIdentityProviderClient(config),
        // The aggregated client: the shared device cores call its methods (iot-control-plane/api.ts).
        iot: new IoT(config),
        iotData: new IoTDataPlaneClient(config),
      };
    },
  };
}
