import * as z from 'zod/mini';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialStore } from './credentials';
import type { FaultInjector } from './faults';
import { AwsServiceError, parseJsonBody, sendError, sendJson, type RequestHandler } from './http';
import type { SigningNames } from './signing-names';
import { verifySignedRequest } from './sigv4';
import { parseMember } from './validation';

/** One emulated operation of an AWS JSON 1.0/1.1 service (`X-Amz-Target: <prefix>.<Operation>`). */
export type JsonOperation = (input: Record<string, unknown>, request: { req: IncomingMessage; body: Buffer }) => Promise<unknown> | unknown;

export interface JsonTargetOptions {
  /** The X-Amz-Target prefix, e.g. `AWSCognitoIdentityProviderService`. */
  readonly targetPrefix: string;
  /** The IAM service prefix fault rules use, e.g. `cognito-idp` (rules are `cognito-idp:SignUp`). */
  readonly faultPrefix: string;
  readonly faults: FaultInjector;
  readonly operations: Readonly<Record<string, JsonOperation>>;
  /** Response content type, e.g. `application/x-amz-json-1.1`. */
  readonly contentType: string;
  /**
   * The IAM-authorized operations (the others are public, like InitiateAuth or GetId): their
   * SigV4 signature is verified before any fault rule applies, as AWS authenticates before it
   * throttles. An unsigned call is refused without consuming an armed fault.
   */
  readonly iam?: { readonly operations: ReadonlySet<string>; readonly store: CredentialStore; readonly signingNames: SigningNames; readonly now?: () => number };
  /** Requests that are not JSON-target calls (GET endpoints); return true when answered. */
  readonly other?: (req: IncomingMessage, body: Buffer, res: ServerResponse) => Promise<boolean> | boolean;
}

/**
 * Dispatches AWS JSON protocol calls: resolves the operation from X-Amz-Target, verifies the
 * signature of IAM-authorized operations, applies the fault rule (throttling → TooManyRequestsException, HTTP 429 as both Cognito service models
 * declare it; injected failure → InternalErrorException, 500), then answers the result or the
 * error in the protocol's `__type` form.
 */
export function jsonTargetHandler(opts: JsonTargetOptions): RequestHandler {
  return async (req, body, res) => {
    try {
      if (opts.other && (await opts.other(req, body, res))) return;
      const target = req.headers['x-amz-target'];
      const operationName = typeof target === 'string' && target.startsWith(`${opts.targetPrefix}.`) ? target.slice(opts.targetPrefix.length + 1) : undefined;
      if (req.method !== 'POST' || operationName === undefined) {
        throw new AwsServiceError(400, 'UnknownOperationException', `Missing or unknown X-Amz-Target (expected ${opts.targetPrefix}.<Operation>)`);
      }
      const operation = Object.hasOwn(opts.operations, operationName) ? opts.operations[operationName] : undefined;
      if (!operation) throw new AwsServiceError(400, 'UnknownOperationException', `Operation ${operationName} is not supported by the sandbox`);
      if (opts.iam?.operations.has(operationName)) {
        const { store, signingNames, now } = opts.iam;
        verifySignedRequest({ method: 'POST', url: req.url ?? '/', headers: req.headers, body }, store, { service: signingNames, ...(now ? { now } : {}) });
      }
      const fault = opts.faults.check(`${opts.faultPrefix}:${operationName}`);
      if (fault?.kind === 'throttle') throw new AwsServiceError(429, 'TooManyRequestsException', 'Rate exceeded');
      if (fault?.kind === 'internal') throw new AwsServiceError(500, 'InternalErrorException', 'An internal error occurred (injected fault)');
      const result = await operation(parseJsonBody(body), { req, body });
      sendJson(res, 200, result ?? {}, opts.contentType);
    } catch (error) {
      sendError(res, error, 'json', opts.contentType);
    }
  };
}

/**
 * Request validation in the services' own words (validation.ts, zod/mini): a missing
 * member is reported as Cognito does, "1 validation error detected: Value null at 'username'
 * failed to satisfy constraint: Member must not be null" (InvalidParameterException).
 */
export function invalidParameter(message: string): AwsServiceError {
  return new AwsServiceError(400, 'InvalidParameterException', message);
}

/** Cognito names members in camelCase in its messages (`Username` → 'username'). */
const camelCase = (key: PropertyKey): string => {
  const name = String(key);
  return name.charAt(0).toLowerCase() + name.slice(1);
};

const MEMBERS = {
  required: z.string().check(z.minLength(1)),
  string: z.nullish(z.string()),
  number: z.nullish(z.number()),
  boolean: z.nullish(z.boolean()),
  /**
   * A JSON object of string values (`Logins`, `AuthParameters`, `ClientMetadata`). A null value is
   * taken and dropped, as AWS does: amazon-cognito-identity-js sends `"DEVICE_KEY": null` in every
   * REFRESH_TOKEN_AUTH and challenge answer of a user without a remembered device, and Cognito
   * answers them (a sandbox that refused it broke every browser session's refresh).
   */
  stringMap: z.nullish(z.record(z.string(), z.nullable(z.string()))),
  stringList: z.nullish(z.array(z.string())),
};

/** One member of a JSON protocol request, validated with a zod/mini schema (InvalidParameterException). */
export function jsonMember<S extends z.ZodMiniType>(schema: S, input: Readonly<Record<string, unknown>>, field: string): z.infer<S> {
  return parseMember(schema, input, field, invalidParameter, camelCase);
}

export function requireString(input: Record<string, unknown>, field: string): string {
  return jsonMember(MEMBERS.required, input, field);
}

export function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  return jsonMember(MEMBERS.string, input, field) ?? undefined;
}

export function optionalNumber(input: Record<string, unknown>, field: string): number | undefined {
  return jsonMember(MEMBERS.number, input, field) ?? undefined;
}

export function optionalBoolean(input: Record<string, unknown>, field: string): boolean | undefined {
  return jsonMember(MEMBERS.boolean, input, field) ?? undefined;
}

/** A list of strings (`AttributesToGet`, `UserAttributeNames`). */
export function optionalStringList(input: Record<string, unknown>, field: string): readonly string[] | undefined {
  return jsonMember(MEMBERS.stringList, input, field) ?? undefined;
}

/** A JSON object of string values (`Logins`, `AuthParameters`, `ClientMetadata`). */
export function stringMap(input: Record<string, unknown>, field: string): Record<string, string> | undefined {
  const value = jsonMember(MEMBERS.stringMap, input, field);
  if (value === null || value === undefined) return undefined;
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => entry[1] !== null));
}

/** Epoch seconds, the JSON protocols' default timestamp format. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
