import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SANDBOX_SECTION_KEY, type SandboxSection } from '../../../ops/sandbox-outputs';
import { ENV_FILE_NAME, exportLines } from './environment';

/** What the outputs file holds beyond the stack outputs: how a client reaches this sandbox. */
export interface SandboxConnection {
  readonly region: string;
  readonly appClientSecret: string;
  readonly caPem: string;
  /** Endpoint name → URL, written as `<Name>Endpoint` keys. */
  readonly endpoints: Readonly<Record<string, string>>;
  /** Written as the Sandbox section: what the admin CLI signs and connects with (ops/sandbox-outputs.ts). */
  readonly sandbox: SandboxSection;
  /** The printed environment, written as `env.sh` beside the file for a shell to source. */
  readonly env: Readonly<Record<string, string>>;
}

/** The CA certificate is written next to the outputs file under this name. */
export const CA_FILE_NAME = 'sandbox-ca.pem';

/**
 * Writes `{ "<stack>": { ...outputs, Region, AppClientSecret, CaFile, <Name>Endpoint..., Sandbox } }`:
 * the `cdk deploy --outputs-file` shape (one stack), so the admin CLI and any tool that reads CDK
 * outputs files read it unchanged; the extra keys are what a client needs that AWS would not put
 * in stack outputs (the secret, the sandbox's CA, its ports). `Sandbox`, the one value that is an
 * object, holds the region, credentials and SDK endpoints the admin CLI uses when given this file
 * alone. The CA goes to `sandbox-ca.pem` in the same folder; `CaFile` is its absolute path.
 */
export function writeOutputsFile(path: string, stack: string, outputs: Readonly<Record<string, string>>, connection: SandboxConnection): { caFile: string; envFile: string } {
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true });
  const caFile = resolve(join(folder, CA_FILE_NAME));
  writeFileSync(caFile, connection.caPem);
  const endpoints = Object.fromEntries(Object.entries(connection.endpoints).map(([name, url]) => [`${name.charAt(0).toUpperCase()}${name.slice(1)}Endpoint`, url]));
  const content = { ...outputs, Region: connection.region, AppClientSecret: connection.appClientSecret, CaFile: caFile, ...endpoints, [SANDBOX_SECTION_KEY]: connection.sandbox };
  // The file holds the app client secret: readable by its owner only.
  writeFileSync(path, `${JSON.stringify({ [stack]: content }, null, 2)}\n`, { mode: 0o600 });
  // The printed exports, for `. .sandbox/env.sh` (the sandbox's credentials are fixed and not secret, but the file stays private like its neighbour).
  const envFile = join(folder, ENV_FILE_NAME);
  writeFileSync(envFile, `# npm start -- --serve: point the AWS CLI (v1 and v2), the SDKs, the admin CLI and curl at this sandbox\n${exportLines(connection.env).join('\n')}\n`, { mode: 0o600 });
  return { caFile, envFile };
}
