/**
 * `npm run web:config -- --outputs-file cdk-outputs.json [--stack S] [--region R] [--out FILE]`:
 * the web app's config.json from `cdk deploy --outputs-file`, for hosting the app elsewhere than the
 * stack's own S3 + CloudFront (which writes it at deploy time). Prints to stdout without --out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stackOutputsOf, StackOutputs } from '../../functions/shared/stack-outputs';
import { regionOfUserPool, webConfigFromOutputs } from '../src/config';

// With more than one stack in the file, --stack names the one to read.
const USAGE = 'usage: npm run web:config -- --outputs-file <cdk outputs json> [--stack <name>] [--region <region>] [--out <file>]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({ options: { 'outputs-file': { type: 'string' }, stack: { type: 'string' }, region: { type: 'string' }, out: { type: 'string' } }, strict: true }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const path = values['outputs-file'];
if (typeof path !== 'string') fail('--outputs-file is required');
try {
  const outputs = stackOutputsOf(JSON.parse(readFileSync(path, 'utf8')), values.stack as string | undefined);
  const region = (values.region as string | undefined) ?? regionOfUserPool(outputs[StackOutputs.UserPoolId] ?? '');
  const json = `${JSON.stringify(webConfigFromOutputs(outputs, { region }), null, 2)}\n`;
  if (typeof values.out === 'string') writeFileSync(values.out, json);
  else process.stdout.write(json);
} catch (error) {
  process.stderr.write(`web:config: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
