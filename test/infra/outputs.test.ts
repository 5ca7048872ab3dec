import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPTIONAL_STACK_OUTPUTS, StackOutputs } from '../../functions/shared/stack-outputs';
import { OUTPUTS_READ, resolveTargets } from '../../ops/context';
import { synthesize } from './synth';

type Outputs = Record<string, { Value: unknown }>;
let outputs: Outputs;
beforeAll(() => {
  outputs = synthesize({ stackName: 'Lamps' }).template.toJSON().Outputs as Outputs;
});

describe('stack outputs contract', () => {
  it('declares every output key the admin CLI reads', () => {
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining([...OUTPUTS_READ]));
  });

  it('declares exactly the keys of the shared contract (what the sandbox writes too), the optional ones only when their option is on', () => {
    const always = Object.values(StackOutputs).filter((key) => !(OPTIONAL_STACK_OUTPUTS as readonly string[]).includes(key));
    expect(Object.keys(outputs).sort()).toEqual(always.sort());
  });

  it('gives the CLI the device policy name the stack was deployed with', async () => {
    // What `cdk deploy --outputs-file` would write: deploy-time values stand in for references.
    const deployed = Object.fromEntries(
      Object.entries(outputs).map(([key, { Value }]) => [key, typeof Value === 'string' ? Value : `deployed-${key}`]),
    );
    deployed[StackOutputs.StateMachineArn] = 'arn:aws:states:eu-west-1:123456789012:stateMachine:onboarding';
    const gate = (name: string, ratePerSecond: number) => ({ queueUrl: `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`, deadLetterQueueUrl: `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}-dlq`, ratePerSecond });
    deployed[StackOutputs.QuotaGates] = JSON.stringify({ attach: gate('attach', 12), detach: gate('detach', 12), 'user-lookup': gate('user-lookup', 20), 'device-release': gate('device-release', 4) });
    const file = join(mkdtempSync(join(tmpdir(), 'outputs-')), 'outputs.json');
    writeFileSync(file, JSON.stringify({ IotOnboarding: deployed }));

    const targets = await resolveTargets({ outputsFile: file }, {});

    expect(targets.devicePolicyName).toBe('Lamps-device-iot');
    expect(targets.region).toBe('eu-west-1');
    expect(targets.gates['user-lookup']).toEqual(gate('user-lookup', 20));
  });
});
