import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { clientConfig } from '../../shared/aws/clients';
import { ConfigVars, loadConfig, secondsOr } from '../../shared/aws/config';
import { AUTHORIZER_SECRET_SDK, FunctionBudgets } from '../../shared/aws/time-budgets';
import { createLogger } from '../../shared/observability/logging';
import { checkUser, TRUST_DEFAULTS, TrustCache } from '../../shared/trust/user-trust';
import { authorizeConnect } from './core';
import * as z from 'zod/mini';

const config = loadConfig({
  USER_POOL_ID: ConfigVars.userPoolId(),
  APP_CLIENT_ID: z.string().check(z.minLength(1)),
  // Absent for a public app client (no secret): password mode then signs in without SECRET_HASH.
  APP_CLIENT_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
  AWS_REGION: ConfigVars.region(),
  AWS_ACCOUNT_ID: z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit account id')),
  COGNITO_JWKS_URI: z.optional(z.url()),
  TRUST_REVALIDATE_SECONDS: ConfigVars.optionalSeconds(),
});
const revalidateSeconds = secondsOr(config.TRUST_REVALIDATE_SECONDS, TRUST_DEFAULTS.revalidateSeconds);
// Verifies ID tokens locally; the pool's JWKS is fetched once per container and cached.
const verifier = CognitoJwtVerifier.create({ userPoolId: config.USER_POOL_ID, tokenUse: 'id', clientId: config.APP_CLIENT_ID });
// Unset on AWS. The offline sandbox serves its pool's JWKS over http, which aws-jwt-verify's
// fetcher refuses (https only), so the sandbox names it here and it is loaded at cold start.
if (config.COGNITO_JWKS_URI) {
  verifier.cacheJwks((await (await fetch(config.COGNITO_JWKS_URI)).json()) as Parameters<typeof verifier.cacheJwks>[0]);
}
// The app client secret lives in Secrets Manager, not in the environment. Powertools caches it
// per container; a refresh is one GetSecretValue inside the authorizer's 5 s (time-budgets.ts).
const secrets = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient(clientConfig(AUTHORIZER_SECRET_SDK)) });
const SECRET_CACHE_SECONDS = 300;
const clientSecret = async (): Promise<string | undefined> => {
  const secretId = config.APP_CLIENT_SECRET_ID;
  if (secretId === undefined) return undefined;
  const value = await secrets.get(secretId, { maxAge: SECRET_CACHE_SECONDS });
  if (typeof value !== 'string' || value === '') throw new Error(`Secret ${secretId} has no string value`);
  return value;
};
const log = createLogger('iot-authorizer');
const cognitoIdp = new CognitoIdentityProviderClient(clientConfig(FunctionBudgets.iotAuthorizer.sdk));
const deps = {
  verifier,
  cognitoIdp,
  trust: new TrustCache({ check: (token) => checkUser(cognitoIdp, config.USER_POOL_ID, token), now: Date.now, revalidateSeconds }),
  log,
  now: Date.now,
  config: {
    clientId: config.APP_CLIENT_ID,
    clientSecret,
    policyScope: { region: config.AWS_REGION, account: config.AWS_ACCOUNT_ID },
    revalidateSeconds,
  },
};

/** AWS IoT Core custom authorizer (signing disabled; MQTT username/password). */
export const handler = async (event: unknown, context: Context) => {
  log.addContext(context);
  return authorizeConnect(event, deps);
};
