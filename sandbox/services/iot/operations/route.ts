import type { IncomingHttpHeaders } from 'node:http';
import type * as z from 'zod/mini';
import { AwsServiceError } from '../../../wire/http';
import { parseMember } from '../../../wire/validation';

/** One control-plane operation found by a router: its IAM resource and how to run it. */
export interface ControlPlaneRoute {
  readonly operation: string;
  /** The resource ARN IAM authorizes the call on (`*` for list operations). */
  readonly resource: string;
  run(): unknown;
}

export interface ControlPlaneRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export type ControlPlaneRouter = (request: ControlPlaneRequest) => ControlPlaneRoute | undefined;

export const invalidRequest = (message: string) => new AwsServiceError(400, 'InvalidRequestException', message);

/** One member of a REST-JSON request body, validated with a zod/mini schema (InvalidRequestException, AWS's wording). */
export function iotMember<S extends z.ZodMiniType>(schema: S, input: Readonly<Record<string, unknown>>, member: string): z.infer<S> {
  return parseMember(schema, input, member, invalidRequest);
}

/** Path segments, percent-decoded; `/things/a/principals` → `['things', 'a', 'principals']`. */
export function pathSegments(url: URL): string[] {
  return url.pathname
    .split('/')
    .slice(1)
    .map((raw) => {
      try {
        return decodeURIComponent(raw);
      } catch {
        throw invalidRequest(`Malformed path label: ${raw}`);
      }
    });
}

/** An optional integer query parameter, checked against AWS's range. */
export function intParam(url: URL, name: string, min: number, max: number): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw invalidRequest(`${name} must be an integer between ${min} and ${max}`);
  return value;
}

/** nextToken/maxResults paging over a list; the token is the index of the next item. */
export function pageOf<T>(all: readonly T[], url: URL, maxLimit = 250): { items: T[]; nextToken?: string } {
  const token = url.searchParams.get('nextToken');
  const start = token === null ? 0 : Number(token);
  if (!Number.isInteger(start) || start < 0) throw invalidRequest(`Invalid nextToken: ${token}`);
  const size = intParam(url, 'maxResults', 1, maxLimit) ?? maxLimit;
  const items = all.slice(start, start + size);
  return start + size < all.length ? { items, nextToken: String(start + size) } : { items };
}

/** A header the SDK sends a member in (AttachThingPrincipal's `x-amzn-principal`). */
export function requiredHeader(headers: IncomingHttpHeaders, name: string, member: string): string {
  const value = headers[name];
  if (typeof value !== 'string' || value === '') throw invalidRequest(`${member} is required`);
  return value;
}
