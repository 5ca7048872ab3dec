import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialStore, IssuedCredentials } from '../../../wire/credentials';
import type { FaultInjector } from '../../../wire/faults';
import { AwsServiceError } from '../../../wire/http';
import { verifySignedRequest } from '../../../wire/sigv4';
import { SIGNING_NAMES } from '../../../wire/signing-names';
import type { AuthorizationDecision, AuthorizationRequest } from '../authorization';
import type { ShadowEngine } from '../shadows';

export interface IotDataPlaneOptions {
  readonly store: CredentialStore;
  readonly faults: FaultInjector;
  readonly shadows: ShadowEngine;
  readonly authorize: (request: AuthorizationRequest) => AuthorizationDecision;
  /** Delivers a message to MQTT subscribers (the broker's service-side publish). */
  readonly publish: (message: { topic: string; payload: Buffer; qos: 0 | 1; retain: boolean }) => Promise<void>;
  /** Called with every denial, so the sandbox can log why (the data plane answers only 403). */
  readonly onDenied?: (decision: AuthorizationDecision) => void;
  readonly now?: () => number;
  readonly port?: number;
}

/** One data-plane request and the checks every operation applies to it. */
export interface DataPlaneCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly body: Buffer;
  /** Verifies the SigV4 signature (signing name `iotdata`) and returns the caller. */
  verify(): IssuedCredentials;
  /** Answers an injected fault; true when the operation must take effect and its response be lost. */
  checkFault(operation: string): boolean;
  requireAllowed(request: AuthorizationRequest): void;
}

export function dataPlaneCall(opts: IotDataPlaneOptions, req: IncomingMessage, body: Buffer, res: ServerResponse): DataPlaneCall {
  const rawUrl = req.url ?? '/';
  return {
    req,
    res,
    body,
    url: new URL(rawUrl, 'http://localhost'),
    verify: () =>
      verifySignedRequest({ method: req.method ?? 'GET', url: rawUrl, headers: req.headers, body }, opts.store, {
        service: SIGNING_NAMES.iotData,
        ...(opts.now ? { now: opts.now } : {}),
      }),
    checkFault(operation) {
      const fault = opts.faults.check(`iot:${operation}`);
      if (fault?.kind === 'throttle') throw new AwsServiceError(429, 'ThrottlingException', 'Rate exceeded');
      if (fault?.kind === 'internal') throw new AwsServiceError(500, 'InternalFailureException', 'Internal service failure (injected fault)');
      return fault?.kind === 'lose-response';
    },
    requireAllowed(request) {
      const decision = opts.authorize(request);
      if (!decision.allowed) {
        opts.onDenied?.(decision);
        // The data plane tells the caller no more than AWS does: 403 Forbidden. The reason goes to onDenied.
        throw new AwsServiceError(403, 'ForbiddenException', 'Forbidden');
      }
    },
  };
}

export function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AwsServiceError(400, 'InvalidRequestException', `Malformed path label: ${raw}`);
  }
}

export function sendJsonText(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': crypto.randomUUID() });
  res.end(text);
}
