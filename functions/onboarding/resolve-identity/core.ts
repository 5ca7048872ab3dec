import type { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import * as z from 'zod/mini';
import { resolveDeveloperIdentity, type IdentityPoolRef } from '../../shared/identity/developer-identity';
import { parseTaskInput } from '../../shared/workflows/task-input';

export interface ResolveIdentityDeps {
  readonly cognitoIdentity: Pick<CognitoIdentityClient, 'send'>;
  readonly pool: IdentityPoolRef;
}

const inputSchema = z.object({ sub: z.uuid() });

/** Workflow step: the user's Identity ID. Only the id leaves; the OpenID token is dropped here. */
export async function resolveIdentity(event: unknown, deps: ResolveIdentityDeps): Promise<{ identityId: string }> {
  const { sub } = parseTaskInput(inputSchema, event, 'ResolveIdentity expects {"sub": "<user-pool sub uuid>"}');
  const { identityId } = await resolveDeveloperIdentity(deps.cognitoIdentity, deps.pool, sub);
  return { identityId };
}
