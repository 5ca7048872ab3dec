import { CognitoIdentityClient, GetOpenIdTokenForDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { AttachPolicyCommand, IoTClient } from '@aws-sdk/client-iot';
import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import type { FunctionEnvironment, FunctionHandler } from './lambda-environments';

/**
 * What the peer trigger does when a call fails. `throw`: the anchor article's code, which has no
 * error handling, so Cognito fails the sign-in (UserLambdaValidationException). `swallow`: the
 * common try/catch that returns the event anyway, so the sign-in succeeds without the policy.
 */
export type PeerErrorHandling = 'throw' | 'swallow';

export interface PeerTriggerConfig {
  readonly identityPoolId: string;
  readonly developerProviderName: string;
  readonly policyName: string;
  readonly endpoints: { readonly iot: string; readonly cognitoIdentity: string };
  readonly onError: PeerErrorHandling;
}

/**
 * The peers' pattern, for the benchmark only (not part of the product): a post-authentication
 * trigger that attaches the IoT policy itself, inside the sign-in. The first source article makes
 * the same call (`attach_policy(policyName=…, target=identity_id)`, step 3) from its backend right
 * after the sign-in, with no error handling; automated, it lands in this trigger. The clients are
 * the real `@aws-sdk/client-iot` and `@aws-sdk/client-cognito-identity` with the SDK's default
 * retries (standard mode, 3 attempts, full-jitter backoff): no retry setting is passed.
 *
 * The article gets the identity with `GetId` and the user's ID token, which a post-authentication
 * trigger does not have (Cognito issues the tokens after it returns); on this stack's identity pool
 * (developer provider) a trigger gets it from the `sub` with GetOpenIdTokenForDeveloperIdentity,
 * the call the product's ResolveIdentity makes, so that step costs both sides the same.
 *
 * Called once per execution environment (its module scope): the clients are created here, once.
 */
export function peerTrigger(config: PeerTriggerConfig, env: FunctionEnvironment): FunctionHandler {
  const iot = new IoTClient(env.sdkConfig(config.endpoints.iot));
  const identity = new CognitoIdentityClient(env.sdkConfig(config.endpoints.cognitoIdentity));
  return async (input) => {
    const event = input as PostAuthenticationTriggerEvent;
    try {
      const { IdentityId } = await identity.send(
        new GetOpenIdTokenForDeveloperIdentityCommand({
          IdentityPoolId: config.identityPoolId,
          Logins: { [config.developerProviderName]: event.request.userAttributes.sub ?? '' },
        }),
      );
      await iot.send(new AttachPolicyCommand({ policyName: config.policyName, target: IdentityId }));
    } catch (error) {
      if (config.onError === 'throw') throw error;
    }
    return event;
  };
}
