import * as z from 'zod/mini';
import type { PolicyDocumentLike } from '../../../../functions/shared/iot-policy/engine';
import { parsePolicyDocument } from '../registry';
import { documentIssues } from '../../../wire/validation';
import { AUTHORIZER_TIMEOUT_MS, MAX_POLICY_DOCUMENTS, MAX_POLICY_DOCUMENT_CHARS, MAX_SESSION_S, MIN_SESSION_S, PRINCIPAL_ID } from './limits';
import type { AuthorizerInvocation, CustomAuthorizerEvent, CustomAuthorizerHandler, SandboxTimers } from './types';
import { errorMessage } from '../../../../functions/shared/aws/error-name';

/** Runs an authorizer Lambda with its 5-second limit and validates its JSON answer. */
export async function invokeHandler(handler: CustomAuthorizerHandler, event: CustomAuthorizerEvent, timers: SandboxTimers, name: string): Promise<AuthorizerInvocation> {
  let cancel: () => void = () => undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    cancel = timers.setTimeout(() => resolve('timeout'), AUTHORIZER_TIMEOUT_MS);
  });
  try {
    const answer = await Promise.race([
      // The Lambda gets a copy (it cannot mutate the broker's view) and answers JSON.
      handler(JSON.parse(JSON.stringify(event)) as CustomAuthorizerEvent).then((value) => ({ value })),
      timeout,
    ]);
    if (answer === 'timeout') return { ok: false, kind: 'failed', detail: `authorizer ${name} did not answer within ${AUTHORIZER_TIMEOUT_MS / 1000} s` };
    let serialized: unknown;
    try {
      serialized = answer.value === undefined ? undefined : JSON.parse(JSON.stringify(answer.value));
    } catch {
      return { ok: false, kind: 'invalid-response', detail: `authorizer ${name} answered a value that is not JSON` };
    }
    return validateAuthorizerResponse(serialized, name);
  } catch (error) {
    return { ok: false, kind: 'failed', detail: `authorizer ${name} failed: ${errorMessage(error)}` };
  } finally {
    cancel();
  }
}

const session = z.int().check(z.gte(MIN_SESSION_S), z.lte(MAX_SESSION_S));

/** The documented response format and bounds of an authorizer that authenticated the client. */
const allowSchema = z.object({
  principalId: z.string().check(z.regex(PRINCIPAL_ID)),
  policyDocuments: z.array(z.string().check(z.maxLength(MAX_POLICY_DOCUMENT_CHARS))).check(z.maxLength(MAX_POLICY_DOCUMENTS)),
  disconnectAfterInSeconds: session,
  refreshAfterInSeconds: session,
});

/** Checks an authorizer's answer against the documented response format and bounds. */
export function validateAuthorizerResponse(value: unknown, name = 'authorizer'): AuthorizerInvocation {
  const invalid = (why: string): AuthorizerInvocation => ({ ok: false, kind: 'invalid-response', detail: `authorizer ${name} answered an invalid response: ${why}` });
  const authenticated = z.object({ isAuthenticated: z.boolean() }).safeParse(value);
  if (!authenticated.success) return invalid(documentIssues(authenticated.error.issues, value).join('; '));
  if (!authenticated.data.isAuthenticated) return { ok: false, kind: 'not-authenticated', detail: `authorizer ${name} answered isAuthenticated: false` };
  const parsed = allowSchema.safeParse(value);
  if (!parsed.success) return invalid(documentIssues(parsed.error.issues, value).join('; '));
  const parsedPolicies: PolicyDocumentLike[] = [];
  for (const [i, document] of parsed.data.policyDocuments.entries()) {
    try {
      parsedPolicies.push(parsePolicyDocument(document));
    } catch (error) {
      return invalid(`policyDocuments.${i}: ${errorMessage(error)}`);
    }
  }
  return { ok: true, response: { isAuthenticated: true, ...parsed.data, parsedPolicies } };
}
