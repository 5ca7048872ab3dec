import type { IncomingMessage } from 'node:http';
import type { CredentialStore, IssuedCredentials } from '../credentials';
import type { FaultInjector } from '../faults';
import type { SigningNames } from '../signing-names';
import { verifySignedRequest } from '../sigv4';
import type { QueryCompatibleError } from './error';
import type { QueryCompatibleProtocol } from './protocol';

export interface AdmissionRules<Operation> {
  readonly operations: Readonly<Record<string, Operation>>;
  /** Verifies the callers' SigV4 signatures, with the service's signing names. */
  readonly store: CredentialStore;
  readonly signingNames: SigningNames;
  /** Fault rules are looked up as `<faultPrefix>:<Operation>` (`sqs:SendMessage`). */
  readonly faults: FaultInjector;
  readonly faultPrefix: string;
  /** The sandbox clock, for signature dates. */
  readonly now: () => number;
  /** The service's answers to a caller other than the backend and to an injected throttle or failure. */
  readonly refusals: {
    accessDenied(): QueryCompatibleError;
    throttled(): QueryCompatibleError;
    internal(): QueryCompatibleError;
  };
}

export interface AdmittedCall<Operation> {
  readonly operation: string;
  readonly input: unknown;
  readonly run: Operation;
  readonly caller: IssuedCredentials;
}

/**
 * What a call goes through before its operation runs, in AWS's order: the protocol reads the
 * operation (one the service does not serve is refused unauthenticated), SigV4 verifies the
 * caller, only the backend role gets in (it stands for the only principals whose policies grant
 * the service's actions here), then the operation's fault rule applies, as AWS authenticates
 * before it throttles. Throws the refusal.
 */
export function admitCall<Operation>(rules: AdmissionRules<Operation>, protocol: QueryCompatibleProtocol, req: IncomingMessage, body: Buffer): AdmittedCall<Operation> {
  const { operation, input } = protocol.decode(req, body);
  const run = Object.hasOwn(rules.operations, operation) ? rules.operations[operation] : undefined;
  if (run === undefined) throw protocol.unknownOperation(operation);
  const caller = verifySignedRequest({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body }, rules.store, { service: rules.signingNames, now: rules.now });
  if (caller.principal.kind !== 'backend') throw rules.refusals.accessDenied();
  const fault = rules.faults.check(`${rules.faultPrefix}:${operation}`);
  if (fault?.kind === 'throttle') throw rules.refusals.throttled();
  if (fault?.kind === 'internal') throw rules.refusals.internal();
  return { operation, input, run, caller };
}
