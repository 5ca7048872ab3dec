import { describe, expect, it } from 'vitest';
import { stackOutputsOf } from '../../../functions/shared/stack-outputs';
import { parseWebConfig, regionOfUserPool, webConfigFromOutputs } from '../../../web/src/config';

const OUTPUTS = { UserPoolId: 'eu-west-1_abc', UserPoolClientId: 'confidential', WebAppClientId: 'web', ApiUrl: 'https://api.example.com/', IotDataEndpoint: 'a1-ats.iot.eu-west-1.amazonaws.com' };

describe('web config', () => {
  it("is built from the stack outputs, the public client being WebAppClientId (not the confidential UserPoolClientId)", () => {
    expect(webConfigFromOutputs(OUTPUTS, { region: 'eu-west-1' })).toEqual({
      region: 'eu-west-1',
      clientId: 'web',
      userPoolId: 'eu-west-1_abc',
      apiUrl: 'https://api.example.com',
      iotEndpoint: 'a1-ats.iot.eu-west-1.amazonaws.com',
    });
  });

  it('names the stack output that is missing', () => {
    expect(() => webConfigFromOutputs({ ...OUTPUTS, ApiUrl: '' }, { region: 'eu-west-1' })).toThrow('the stack outputs have no ApiUrl');
  });

  it('refuses outputs without a public app client (an adopted pool whose first client has a secret)', () => {
    const { WebAppClientId: _web, ...confidentialOnly } = OUTPUTS;
    expect(() => webConfigFromOutputs(confidentialOnly, { region: 'eu-west-1' })).toThrow('the stack outputs have no WebAppClientId');
  });

  it('refuses a config.json without a required key, naming it', () => {
    expect(() => parseWebConfig({ region: 'eu-west-1', userPoolId: 'p', apiUrl: 'a', iotEndpoint: 'i' })).toThrow('"clientId" must be a non-empty string');
  });

  it('refuses an mqttScheme other than ws or wss', () => {
    expect(() => parseWebConfig({ region: 'r', userPoolId: 'p', clientId: 'c', apiUrl: 'a', iotEndpoint: 'i', mqttScheme: 'http' })).toThrow('"mqttScheme" must be "ws" or "wss"');
  });
});

describe('web config from a cdk outputs file (npm run web:config)', () => {
  it('takes the only stack, or the one named, and refuses ambiguity naming the stacks', () => {
    expect(stackOutputsOf({ IotOnboarding: OUTPUTS }, undefined)).toBe(OUTPUTS);
    expect(stackOutputsOf({ A: {}, IotOnboarding: OUTPUTS }, 'IotOnboarding')).toBe(OUTPUTS);
    expect(() => stackOutputsOf({ A: {}, B: {} }, undefined)).toThrow('the outputs file holds 2 stacks (A, B), not one: name the stack to read');
    expect(() => stackOutputsOf({ A: 'x' }, undefined)).toThrow('the outputs of stack "A" must be a JSON object');
    expect(() => stackOutputsOf({ A: {} }, 'B')).toThrow('the outputs file has no stack "B" (it has A)');
    expect(() => stackOutputsOf([], undefined)).toThrow('must hold a JSON object');
  });

  it('reads the region from the user pool id, and says to pass it when it cannot', () => {
    expect(regionOfUserPool('eu-west-1_abc')).toBe('eu-west-1');
    expect(regionOfUserPool('us-gov-west-1_X9')).toBe('us-gov-west-1');
    expect(() => regionOfUserPool('abc')).toThrow('"abc" is not a user pool id (<region>_<id>): pass the region');
  });
});
