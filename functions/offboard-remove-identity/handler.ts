import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { clientConfig } from '../shared/clients';
import { createLogger } from '../shared/observability';
import { removeIdentity } from './core';

const log = createLogger('offboard-remove-identity');
const cognitoIdentity = new CognitoIdentityClient(clientConfig());

/** Step Functions task: throws named errors (the ASL retries UpstreamThrottled/UpstreamUnavailable). */
export const handler = async (event: unknown) => removeIdentity(event, { cognitoIdentity, log });
