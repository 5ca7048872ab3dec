import type { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import * as z from 'zod/mini';
import { InvalidInputError } from '../shared/errors';
import { resolveDeveloperIdentity, type IdentityPoolRef } from '../shared/identity';

export interface ResolveIdentityDeps {
  readonly cognitoIdentity: Pick<CognitoIdentityClient, 'send'>;
  readonly pool: IdentityPoolRef;
}

const inputSchema = z.object({ sub: z.uuid() });

/** Workflow step: the user's Identity ID. Only the id leaves; the OpenID token is dropped here. */
export async function resolveIdentity(event: unknown, deps: ResolveIdentityDeps): Promise<{ identityId: string }> {
  const parsed = inputSchema.safeParse(event);
  if (!parsed.success) {
    throw new InvalidInputError(`ResolveIdentity expects {"sub": "<user-pool sub uuid>"}: ${parsed.error.issues[0]?.message}`);
  }
  const { identityId } = await resolveDeveloperIdentity(deps.cognitoIdentity, deps.pool, parsed.data.sub);
  return { identityId };
}
