import * as z from 'zod/mini';

/**
 * The sandbox-only section of the outputs file `npm start` writes: `"Sandbox"` among the stack's
 * outputs, with how to reach and sign for that sandbox. `cdk deploy --outputs-file` never writes
 * it, so the admin CLI takes endpoints and credentials from an outputs file only when the file is
 * a sandbox's, and only when every endpoint is on loopback.
 */
export const SANDBOX_SECTION_KEY = 'Sandbox';

/**
 * The services the sandbox emulates for SDK clients, each by the suffix of the SDK's endpoint
 * variable `AWS_ENDPOINT_URL_<SUFFIX>` (the AWS CLI v1 and v2 read the same names).
 */
export const SANDBOX_ENDPOINT_SERVICES = ['SFN', 'COGNITO_IDENTITY', 'COGNITO_IDENTITY_PROVIDER', 'IOT', 'IOT_DATA_PLANE', 'SECRETS_MANAGER', 'SQS', 'CLOUDWATCH'] as const;
export type SandboxEndpointService = (typeof SANDBOX_ENDPOINT_SERVICES)[number];

/** `AWS_ENDPOINT_URL_<SERVICE>`: the SDKs' and the AWS CLI's per-service endpoint variable. */
export const endpointVariable = <Service extends SandboxEndpointService>(service: Service): `AWS_ENDPOINT_URL_${Service}` => `AWS_ENDPOINT_URL_${service}`;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const loopbackUrl = z.url().check(z.refine((url) => LOOPBACK_HOSTS.has(new URL(url).hostname), 'must be on loopback (127.0.0.1, localhost or [::1])'));

export const sandboxSectionSchema = z.object({
  region: z.string().check(z.minLength(1)),
  accessKeyId: z.string().check(z.minLength(1)),
  secretAccessKey: z.string().check(z.minLength(1)),
  endpoints: z.record(z.enum(SANDBOX_ENDPOINT_SERVICES), loopbackUrl),
});
export type SandboxSection = z.infer<typeof sandboxSectionSchema>;

/**
 * The Sandbox section of an outputs file's stack entry: undefined when it has none (a file from
 * `cdk deploy`); an Error naming the first problem when it has one that is not a sandbox's.
 */
export function sandboxSectionOf(stackOutputs: Readonly<Record<string, unknown>>): SandboxSection | Error | undefined {
  if (!Object.hasOwn(stackOutputs, SANDBOX_SECTION_KEY)) return undefined;
  const parsed = sandboxSectionSchema.safeParse(stackOutputs[SANDBOX_SECTION_KEY]);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return new Error(`${[SANDBOX_SECTION_KEY, ...(issue?.path ?? [])].join('.')}: ${issue?.message ?? 'invalid'}`);
}
