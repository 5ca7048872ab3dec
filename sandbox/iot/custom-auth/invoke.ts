import type { PolicyDocumentLike } from '../../../functions/shared/iot-policy-engine';
import { parsePolicyDocument } from '../registry';
import { AUTHORIZER_TIMEOUT_MS, MAX_POLICY_DOCUMENTS, MAX_POLICY_DOCUMENT_CHARS, MAX_SESSION_S, MIN_SESSION_S, PRINCIPAL_ID } from './limits';
import type { AuthorizerInvocation, CustomAuthorizerEvent, CustomAuthorizerHandler, SandboxTimers } from './types';

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
    return { ok: false, kind: 'failed', detail: `authorizer ${name} failed: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    cancel();
  }
}

/** Checks an authorizer's answer against the documented response format and bounds. */
export function validateAuthorizerResponse(value: unknown, name = 'authorizer'): AuthorizerInvocation {
  const invalid = (why: string): AuthorizerInvocation => ({ ok: false, kind: 'invalid-response', detail: `authorizer ${name} answered an invalid response: ${why}` });
  if (!value || typeof value !== 'object' || Array.isArray(value)) return invalid('not a JSON object');
  const r = value as Record<string, unknown>;
  if (typeof r.isAuthenticated !== 'boolean') return invalid('isAuthenticated must be a boolean');
  if (!r.isAuthenticated) return { ok: false, kind: 'not-authenticated', detail: `authorizer ${name} answered isAuthenticated: false` };
  if (typeof r.principalId !== 'string' || !PRINCIPAL_ID.test(r.principalId)) {
    return invalid('principalId must match ([a-zA-Z0-9]){1,128}');
  }
  const documents = r.policyDocuments;
  if (!Array.isArray(documents) || !documents.every((d): d is string => typeof d === 'string')) {
    return invalid('policyDocuments must be a list of JSON strings');
  }
  if (documents.length > MAX_POLICY_DOCUMENTS) return invalid(`${documents.length} policyDocuments; at most ${MAX_POLICY_DOCUMENTS}`);
  const parsedPolicies: PolicyDocumentLike[] = [];
  for (const [i, document] of documents.entries()) {
    if (document.length > MAX_POLICY_DOCUMENT_CHARS) return invalid(`policyDocuments[${i}] has ${document.length} characters; at most ${MAX_POLICY_DOCUMENT_CHARS}`);
    try {
      parsedPolicies.push(parsePolicyDocument(document));
    } catch (error) {
      return invalid(`policyDocuments[${i}]: ${(error as Error).message}`);
    }
  }
  for (const key of ['disconnectAfterInSeconds', 'refreshAfterInSeconds'] as const) {
    const seconds = r[key];
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < MIN_SESSION_S || seconds > MAX_SESSION_S) {
      return invalid(`${key} must be an integer from ${MIN_SESSION_S} to ${MAX_SESSION_S}`);
    }
  }
  return {
    ok: true,
    response: {
      isAuthenticated: true,
      principalId: r.principalId,
      policyDocuments: documents,
      parsedPolicies,
      disconnectAfterInSeconds: r.disconnectAfterInSeconds as number,
      refreshAfterInSeconds: r.refreshAfterInSeconds as number,
    },
  };
}

