import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../web/src/content-security-policy';

const AWS = { region: 'eu-west-1', apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com', iotEndpoint: 'a1-ats.iot.eu-west-1.amazonaws.com' };

/** The policy's directives by name, each with its sources. */
function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name as string, sources]));
}

describe('the web app\'s Content-Security-Policy', () => {
  it('connects to config.json, the API, Cognito user pools and identity in the region, and the IoT endpoint over wss, nothing else', () => {
    expect(directives(contentSecurityPolicy(AWS))['connect-src']).toEqual([
      "'self'",
      'https://abc123.execute-api.eu-west-1.amazonaws.com',
      'https://cognito-idp.eu-west-1.amazonaws.com',
      'https://cognito-identity.eu-west-1.amazonaws.com',
      'wss://a1-ats.iot.eu-west-1.amazonaws.com',
    ]);
  });

  it('loads scripts and styles from the app\'s own files only: no inline code, no eval, no wildcard', () => {
    const policy = contentSecurityPolicy(AWS);
    const d = directives(policy);
    expect(d['default-src']).toEqual(["'none'"]);
    expect(d['script-src']).toEqual(["'self'"]);
    expect(d['style-src']).toEqual(["'self'"]);
    expect(policy).not.toMatch(/unsafe-|\*/);
  });

  it("lets mqtt.js start its keepalive timer's Worker from a blob, and no other worker", () => {
    expect(directives(contentSecurityPolicy(AWS))['worker-src']).toEqual(['blob:']);
  });

  it('forbids framing, plugins, <base> and form posts', () => {
    expect(directives(contentSecurityPolicy(AWS))).toMatchObject({
      'frame-ancestors': ["'none'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
    });
  });

  it("names the sandbox's endpoints and plain WebSocket when the config carries them", () => {
    const sandbox = { ...AWS, apiUrl: 'http://127.0.0.1:4001', iotEndpoint: '127.0.0.1:4002', cognitoIdpEndpoint: 'http://127.0.0.1:4003/', cognitoIdentityEndpoint: 'http://127.0.0.1:4004/', mqttScheme: 'ws' as const };
    expect(directives(contentSecurityPolicy(sandbox))['connect-src']).toEqual(["'self'", 'http://127.0.0.1:4001', 'http://127.0.0.1:4003/', 'http://127.0.0.1:4004/', 'ws://127.0.0.1:4002']);
  });
});
