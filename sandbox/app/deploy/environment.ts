import type { StackOutputValues } from '../../../functions/shared/stack-outputs';
import { endpointVariable, SANDBOX_ENDPOINT_SERVICES, type SandboxEndpointService, type SandboxSection } from '../../../ops/sandbox-outputs';
import { targetEnvironment } from '../../../ops/target-sources';
import { SANDBOX_BACKEND_CREDENTIALS, SANDBOX_REGION } from '../../wire/account';
import type { SandboxServices } from './services';

/**
 * Every variable `npm start -- --serve` prints, named here and nowhere else (the `IOT_ONBOARDING_*`
 * names are the admin CLI's, ops/target-sources.ts): what the AWS CLI (v1 and v2), the SDKs and
 * the admin CLI need to talk to the sandbox, and where its control API is.
 */

/** The control API's base URL, `http://127.0.0.1:<port>`: `$SANDBOX_CONTROL/_sandbox/faults` is the fault rules. */
export const CONTROL_VARIABLE = 'SANDBOX_CONTROL';

/** Each emulated service's URL by the suffix of its endpoint variable; the outputs file's Sandbox section carries the same. */
export function sandboxSection({ sfn, identity, idp, iot, secretsManager, sqs, cloudwatch }: SandboxServices): SandboxSection {
  const endpoints: Record<SandboxEndpointService, string> = {
    SFN: sfn.url,
    COGNITO_IDENTITY: identity.url,
    COGNITO_IDENTITY_PROVIDER: idp.url,
    IOT: iot.controlPlaneUrl,
    IOT_DATA_PLANE: iot.dataPlaneUrl,
    SECRETS_MANAGER: secretsManager.url,
    SQS: sqs.url,
    CLOUDWATCH: cloudwatch.url,
  };
  return { region: SANDBOX_REGION, ...SANDBOX_BACKEND_CREDENTIALS, endpoints };
}

type EndpointVariables = { readonly [S in SandboxEndpointService as `AWS_ENDPOINT_URL_${S}`]: string };

/**
 * How every SDK client (the functions', the AWS CLI's, the admin CLI's) reaches the sandbox. The
 * region twice: the AWS CLI v1 reads only AWS_DEFAULT_REGION, the CLI v2 and the SDKs prefer
 * AWS_REGION (and Lambda sets both in a function's environment).
 */
export function sandboxAwsEnv(services: SandboxServices) {
  const section = sandboxSection(services);
  const endpoints = Object.fromEntries(SANDBOX_ENDPOINT_SERVICES.map((s) => [endpointVariable(s), section.endpoints[s]])) as EndpointVariables;
  return {
    AWS_REGION: section.region,
    AWS_DEFAULT_REGION: section.region,
    AWS_ACCESS_KEY_ID: section.accessKeyId,
    AWS_SECRET_ACCESS_KEY: section.secretAccessKey,
    ...endpoints,
  };
}

/** The HTTP API's base URL, for curl: `$IOT_ONBOARDING_API_URL/devices`. */
export const API_URL_VARIABLE = 'IOT_ONBOARDING_API_URL';

/** The environment `--serve` prints: the AWS variables, the admin CLI's targets, the HTTP API, the control API. */
export function printedEnvironment(awsEnv: ReturnType<typeof sandboxAwsEnv>, outputs: StackOutputValues, controlUrl: string) {
  return { ...awsEnv, ...targetEnvironment(outputs), [API_URL_VARIABLE]: outputs.ApiUrl, [CONTROL_VARIABLE]: controlUrl } as const;
}

/** The file beside the outputs file that a shell sources to get the printed environment: `. .sandbox/env.sh`. */
export const ENV_FILE_NAME = 'env.sh';

/** `export NAME=value` lines, each value quoted so a POSIX shell reads it back unchanged. */
export function exportLines(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env).map(([k, v]) => `export ${k}=${shellQuoted(v)}`);
}

/** A value as a POSIX shell reads it back unchanged: as is when it is plain, else in single quotes. */
function shellQuoted(value: string): string {
  return /^[\w@%+=:,./-]*$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
