import { describe, expect, it } from 'vitest';
import { parseWebConfig, webConfigFromOutputs } from '../../../web/src/config';

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
