import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeCertificateCommand,
  DetachThingPrincipalCommand,
  ListThingPrincipalsCommand,
  ListThingsCommand,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { OWNER_ATTRIBUTE } from '../../functions/shared/iot-policy/device-policy';
import { deviceNameMessage, deviceNameProblem } from '../../functions/shared/devices/device-name';
import { releaseDevice } from '../../functions/shared/devices/ownership';
import { thingNameProblem } from '../../functions/shared/devices/shadow-limits';
import { registerDevice } from '../../functions/shared/devices/register';
import { describeDevice, listOwnedThings } from '../../functions/shared/devices/registry';
import type { Clients, Targets } from '../context';
import { CliError, ExitCodes, table, type Output } from '../output';
import { userFacts } from './users';

export const DEVICE_SUBCOMMANDS = ['register', 'list', 'show', 'release', 'revoke'] as const;
export type DeviceSubcommand = (typeof DEVICE_SUBCOMMANDS)[number];

export interface DeviceOptions {
  readonly thing?: string;
  readonly out?: string;
  readonly owner?: string;
}

/** `devices <register|list|show|release|revoke>`: operators' view of devices (design section 8). */
export async function devicesCommand(clients: Clients, targets: Targets, out: Output, sub: DeviceSubcommand, options: DeviceOptions) {
  const thing = () => {
    if (!options.thing) throw new CliError(`devices ${sub}: --thing is required`, ExitCodes.Usage);
    const problem = nameProblem(sub, options.thing);
    if (problem) throw new CliError(`devices ${sub}: ${problem}`, ExitCodes.Usage);
    return options.thing;
  };
  switch (sub) {
    case 'register':
      if (!options.out) throw new CliError('devices register: --out DIR is required', ExitCodes.Usage);
      return register(clients, targets, out, thing(), options.out);
    case 'list':
      return list(clients, targets, out, options.owner);
    case 'show':
      return show(clients, out, thing());
    case 'release':
      return release(clients, out, thing());
    case 'revoke':
      return revoke(clients, out, thing());
  }
}

/**
 * A new device's name must also fit its twin (a named shadow); existing things keep IoT's own
 * rule, so operators can still show, release and revoke devices named before the 64 limit.
 */
function nameProblem(sub: DeviceSubcommand, name: string): string | undefined {
  if (sub === 'register') {
    const problem = deviceNameProblem(name);
    return problem && deviceNameMessage(problem, name);
  }
  return thingNameProblem(name) && `"${name.slice(0, 140)}" is not a thing name: 1-128 characters of a-z A-Z 0-9 : _ -`;
}

async function register(clients: Clients, targets: Targets, out: Output, thingName: string, dir: string) {
  const device = await registerDevice(clients.iot, { thingName, policyName: targets.devicePolicyName });
  mkdirSync(dir, { recursive: true });
  const certificateFile = join(dir, `${thingName}.cert.pem`);
  const privateKeyFile = join(dir, `${thingName}.private.key`);
  writeFileSync(certificateFile, device.certificatePem);
  writeFileSync(privateKeyFile, device.privateKey, { mode: 0o600 });
  const result = { thingName, claimCode: device.claimCode, certificateArn: device.certificateArn, certificateFile, privateKeyFile };
  out.result(result, () =>
    `${table(['FIELD', 'VALUE'], [['thing', thingName], ['certificate', device.certificateArn], ['certificate file', certificateFile], ['private key file', privateKeyFile]])}\n\n` +
      `Claim code (shown once; print it on the device's label): ${device.claimCode}`,
  );
  return result;
}

async function list(clients: Clients, targets: Targets, out: Output, ownerUsername?: string) {
  let rows: Array<{ thingName: string; owner: string | null }>;
  if (ownerUsername) {
    const user = await userFacts(clients, targets, ownerUsername);
    const names = user.identityId ? await listOwnedThings(clients.iot, user.identityId) : [];
    rows = names.map((thingName) => ({ thingName, owner: user.identityId ?? null }));
  } else {
    rows = [];
    let nextToken: string | undefined;
    do {
      const page = await clients.iot.send(new ListThingsCommand({ maxResults: 250, ...(nextToken ? { nextToken } : {}) }));
      for (const t of page.things ?? []) {
        if (t.thingName && t.attributes?.claimHash !== undefined) rows.push({ thingName: t.thingName, owner: t.attributes[OWNER_ATTRIBUTE] ?? null });
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }
  out.result({ devices: rows }, () => table(['THING', 'OWNER (identity id)'], rows.map((r) => [r.thingName, r.owner ?? '(unclaimed)'])));
  return rows;
}

export async function certificatesOf(clients: Clients, thingName: string) {
  const principals = (await clients.iot.send(new ListThingPrincipalsCommand({ thingName }))).principals ?? [];
  return Promise.all(
    principals.map(async (arn) => {
      const id = arn.split('/').pop() ?? '';
      const cert = await clients.iot.send(new DescribeCertificateCommand({ certificateId: id }));
      return { arn, id, status: cert.certificateDescription?.status ?? 'UNKNOWN' };
    }),
  );
}

async function show(clients: Clients, out: Output, thingName: string) {
  const device = await describeOrFail(clients, thingName);
  const certificates = await certificatesOf(clients, thingName);
  const result = { thingName, owner: device.owner ?? null, version: device.version, certificates };
  out.result(result, () =>
    table(['FIELD', 'VALUE'], [['thing', thingName], ['owner', device.owner ?? '(unclaimed)'], ['version', device.version], ...certificates.map((c) => ['certificate', `${c.id} ${c.status}`])]),
  );
  return result;
}

async function release(clients: Clients, out: Output, thingName: string) {
  await describeOrFail(clients, thingName);
  const { previousOwner } = await releaseDevice({ iot: clients.iot, iotData: clients.iotData }, thingName);
  const result = { thingName, released: true, previousOwner: previousOwner ?? null };
  out.result(result, () => `Released ${thingName}${previousOwner ? ` from ${previousOwner} (twin deleted, device told)` : ' (it had no owner)'}.`);
  return result;
}

async function revoke(clients: Clients, out: Output, thingName: string) {
  await describeOrFail(clients, thingName);
  const certificates = await certificatesOf(clients, thingName);
  for (const c of certificates) {
    // REVOKED refuses new connections and drops live sessions (UpdateCertificate).
    await clients.iot.send(new UpdateCertificateCommand({ certificateId: c.id, newStatus: 'REVOKED' }));
    await clients.iot.send(new DetachThingPrincipalCommand({ thingName, principal: c.arn }));
  }
  const result = { thingName, revoked: certificates.map((c) => c.arn) };
  out.result(result, () => (certificates.length ? `Revoked and detached: ${certificates.map((c) => c.id).join(', ')}` : `${thingName} has no certificate attached.`));
  return result;
}

export async function describeOrFail(clients: Clients, thingName: string) {
  return describeDevice(clients.iot, thingName).catch((error: Error) => {
    throw error.name === 'DeviceNotFound' ? new CliError(`No thing "${thingName}" in the registry`) : error;
  });
}
