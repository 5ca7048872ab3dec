/**
 * `npm run device -- --dir DIR --thing NAME --outputs-file FILE [--ca FILE]`: runs a device that
 * `npm run admin -- devices register --out DIR` registered, with its certificate over mutual TLS,
 * as the firmware protocol says (docs/client-flow.md, "Devices and ownership"): it waits for a claim, serves its
 * owner's twin, and applies each command by reporting it, printing one line per event.
 * Against the sandbox the outputs file names its TLS endpoint and CA; against AWS it connects to
 * the `IotDataEndpoint` output on port 8883 and `--ca` is Amazon Root CA 1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectDevice, startSimulatedDevice } from '../sandbox/clients/device';
import { stackOutputsOf, StackOutputs } from '../functions/shared/stack-outputs';

const USAGE = 'usage: npm run device -- --dir DIR --thing NAME --outputs-file FILE [--ca FILE]';

function fail(message: string): never {
  process.stderr.write(`device: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function readOrFail(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fail(`cannot read ${what} ${path}`);
  }
}

let values: Record<string, string | boolean | undefined> = {};
try {
  ({ values } = parseArgs({ options: { dir: { type: 'string' }, thing: { type: 'string' }, 'outputs-file': { type: 'string' }, ca: { type: 'string' } }, strict: true }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const [dir, thingName, outputsFile] = [values.dir, values.thing, values['outputs-file']];
if (typeof dir !== 'string' || typeof thingName !== 'string' || typeof outputsFile !== 'string') fail('--dir, --thing and --outputs-file are required');
const outputs = stackOutputsOf(JSON.parse(readOrFail(outputsFile, 'outputs file')), undefined);
// The sandbox's outputs file carries its TLS endpoint and CA; a deployment's has the data endpoint.
const url = outputs.MqttTlsEndpoint ?? `mqtts://${outputs[StackOutputs.IotDataEndpoint] ?? fail(`${outputsFile} has no ${StackOutputs.IotDataEndpoint}`)}:8883`;
const caFile = typeof values.ca === 'string' ? values.ca : (outputs.CaFile ?? fail('--ca (Amazon Root CA 1 for AWS) is required'));
const credentials = {
  thingName,
  certificatePem: readOrFail(join(dir, `${thingName}.cert.pem`), 'certificate'),
  privateKey: readOrFail(join(dir, `${thingName}.private.key`), 'private key'),
};
const print = (line: string) => process.stdout.write(`${new Date().toISOString()} ${thingName}: ${line}\n`);
const device = await startSimulatedDevice((options) => connectDevice(url, readOrFail(caFile, 'CA file'), credentials, options), thingName, print).catch(
  (error: unknown) => fail(`could not connect to ${url}: ${error instanceof Error ? error.message : String(error)}`),
);
print(`connected to ${url} over mutual TLS; Ctrl-C stops it`);
const stop = () => void device.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
