import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import { IotOnboardingStack } from '../../lib/iot-onboarding-stack';
import { ApiRoutes } from '../../functions/shared/routes';
import { synthesize, testApp } from './synth';

const ENDPOINT = { iotDataEndpoint: 'https://abc-ats.iot.us-east-1.amazonaws.com' };
const ORIGINS = ['https://app.example.com', 'http://localhost:5173'];

type Resources = ReturnType<typeof synthesize>['resources'];
/** The one HTTP API's properties. */
function httpApiOf(resources: Resources): Record<string, unknown> {
  const apis = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Api');
  expect(apis).toHaveLength(1);
  return apis[0]?.Properties ?? {};
}

const EXPECTED = {
  AllowOrigins: ORIGINS,
  // Every method of functions/shared/routes.ts, none other.
  AllowMethods: ['DELETE', 'GET', 'POST'],
  AllowHeaders: ['authorization', 'content-type'],
  // The app reads Retry-After of NotOnboarded and rate-limited answers.
  ExposeHeaders: ['retry-after'],
  MaxAge: 600,
  AllowCredentials: false,
};

describe('CORS on the HTTP API', () => {
  let byDefault: Resources;
  let withContext: Resources;
  beforeAll(() => {
    byDefault = synthesize(ENDPOINT).resources;
    withContext = synthesize({ ...ENDPOINT, corsOrigins: ORIGINS.join(', ') }).resources;
  });

  it('has no CORS configuration by default', () => {
    expect(httpApiOf(byDefault)).not.toHaveProperty('CorsConfiguration');
  });

  it('allows the origins of -c corsOrigins, the routes\' methods, the app\'s two headers, for 600 s, without credentials', () => {
    expect(httpApiOf(withContext).CorsConfiguration).toEqual(EXPECTED);
  });

  it('takes its methods from the routes contract', () => {
    const methods = new Set(Object.values(ApiRoutes).map((key) => key.split(' ')[0]));
    expect(new Set(EXPECTED.AllowMethods)).toEqual(methods);
  });

  it('takes the origins from the corsOrigins stack prop', () => {
    const stack = new IotOnboardingStack(testApp(), 'Cors', { ...ENDPOINT, corsOrigins: ORIGINS });
    const apis = Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Api');
    expect(Object.values(apis).map((api) => (api as { Properties: Record<string, unknown> }).Properties.CorsConfiguration)).toEqual([EXPECTED]);
  });

  it.each([
    ['*', /wildcards are refused/],
    ['https://*.example.com', /wildcards are refused/],
    ['https://app.example.com/', /with no path, as a browser sends it \(https:\/\/app\.example\.com\)/],
    ['https://app.example.com/app', /with no path/],
    ['https://app.example.com:443', /with no path, as a browser sends it \(https:\/\/app\.example\.com\)/],
    ['app.example.com', /expected scheme:\/\/host\[:port\]/],
    ['ftp://app.example.com', /expected an http or https origin/],
    ['https://ok.example.com,null', /"null" is not an allowed origin/],
    [',', /corsOrigins "," is invalid: expected origins/],
  ])('refuses -c corsOrigins=%s, saying why', (value, message) => {
    expect(() => buildApp(new App({ context: { corsOrigins: value } }))).toThrow(message);
  });

  it('refuses a wildcard given as the stack prop too', () => {
    expect(() => new IotOnboardingStack(testApp(), 'Wild', { ...ENDPOINT, corsOrigins: ['*'] })).toThrow(/corsOrigins has "\*" is not an allowed origin: wildcards are refused/);
  });
});
