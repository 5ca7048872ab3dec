import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { buildApp } from '../../lib/app';
import { IotOnboardingStack } from '../../lib/iot-onboarding-stack';
import { buildWebApp } from '../../lib/web-bundling';
import { StackOutputs } from '../../functions/shared/stack-outputs';
import { parseWebConfig } from '../../web/src/config';
import { joined, logicalIdOf, synthesize, testApp } from './synth';

const ENDPOINT = { iotDataEndpoint: 'https://abc-ats.iot.us-east-1.amazonaws.com' };
const IOT_HOST = 'abc-ats.iot.us-east-1.amazonaws.com';
const ORIGIN = 'https://app.example.com';

type Synthesized = ReturnType<typeof synthesize>;
type Resources = Synthesized['resources'];
interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Principal?: { Service?: string; AWS?: unknown };
  Condition?: Record<string, Record<string, unknown>>;
  Resource: unknown;
}

const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const props = (resources: Resources, type: string, fragment: string) => resources[logicalIdOf(resources, type, fragment)]?.Properties ?? {};

/** A token-bearing string (Fn::Join) as text: `REF(id)` and `GETATT(id.attr)` stand for the references. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const parts = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return parts.map((part) => (typeof part === 'string' ? part : reference(part))).join('');
}

function reference(part: unknown): string {
  const ref = (part as { Ref?: string }).Ref;
  if (ref !== undefined) return `REF(${ref})`;
  const [id, attr] = (part as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
  return `GETATT(${id}.${attr})`;
}

/** The directives of a Content-Security-Policy by name. */
function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name as string, sources]));
}

/** config.json as the BucketDeployment writes it: the staged file with its markers replaced by the references they stand for. */
function deployedConfig(s: Synthesized): Record<string, unknown> {
  const [, deployment] = ofType(s.resources, 'Custom::CDKBucketDeployment')[0] ?? [];
  const keys = deployment?.Properties?.SourceObjectKeys as string[];
  const markers = (deployment?.Properties?.SourceMarkers as Array<Record<string, unknown>>)[1] ?? {};
  const dir = join(s.app.outdir, `asset.${(keys[1] as string).replace(/\.zip$/, '')}`);
  let raw = readFileSync(join(dir, 'config.json'), 'utf8');
  for (const [marker, value] of Object.entries(markers)) raw = raw.replaceAll(marker, reference(value));
  return JSON.parse(raw) as Record<string, unknown>;
}

describe('web hosting (-c webHosting=true): S3 behind CloudFront', () => {
  let byDefault: Synthesized;
  let hosted: Synthesized;
  let distributionId: string;
  beforeAll(() => {
    byDefault = synthesize(ENDPOINT);
    hosted = synthesize({ ...ENDPOINT, webHosting: 'true', corsOrigins: ORIGIN });
    distributionId = logicalIdOf(hosted.resources, 'AWS::CloudFront::Distribution', 'WebAppDistribution');
  });

  it('creates no bucket, no distribution, no CORS custom resource and no WebAppUrl output by default', () => {
    expect(ofType(byDefault.resources, 'AWS::S3::Bucket')).toEqual([]);
    expect(ofType(byDefault.resources, 'AWS::CloudFront::Distribution')).toEqual([]);
    expect(ofType(byDefault.resources, 'Custom::AWS').filter(([, r]) => joined(r.Properties?.Create).includes('updateApi'))).toEqual([]);
    expect(Object.keys(byDefault.template.toJSON().Outputs as object)).not.toContain(StackOutputs.WebAppUrl);
  });

  it('keeps the app bucket private: all public access blocked, S3-managed encryption, no website, deleted with the stack', () => {
    const id = logicalIdOf(hosted.resources, 'AWS::S3::Bucket', 'WebAppBucket');
    const bucket = hosted.template.toJSON().Resources[id] as { DeletionPolicy?: string; Properties: Record<string, unknown> };
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalIdOf(hosted.resources, 'AWS::S3::Bucket', 'WebAppLogs') } },
    });
    expect(bucket.Properties).not.toHaveProperty('WebsiteConfiguration');
    expect(bucket.DeletionPolicy).toBe('Delete');
  });

  it("lets S3 deliver the app bucket's access logs to the log bucket by bucket policy, not the legacy LogDeliveryWrite ACL", () => {
    const logsId = logicalIdOf(hosted.resources, 'AWS::S3::Bucket', 'WebAppLogs');
    expect(hosted.resources[logsId]?.Properties).not.toHaveProperty('AccessControl');
    const policy = props(hosted.resources, 'AWS::S3::BucketPolicy', 'WebAppLogsPolicy').PolicyDocument as { Statement: PolicyStatement[] };
    const delivery = policy.Statement.filter((s) => s.Principal?.Service === 'logging.s3.amazonaws.com');
    expect(delivery.map((s) => [s.Effect, s.Action, text(s.Resource), s.Condition?.ArnLike?.['aws:SourceArn']])).toEqual([
      ['Allow', 's3:PutObject', `GETATT(${logsId}.Arn)/s3-access/*`, { 'Fn::GetAtt': [logicalIdOf(hosted.resources, 'AWS::S3::Bucket', 'WebAppBucket'), 'Arn'] }],
    ]);
  });

  it('lets only this distribution read the app bucket (the CloudFront service principal with AWS:SourceArn), and refuses requests without TLS', () => {
    const policy = props(hosted.resources, 'AWS::S3::BucketPolicy', 'WebAppBucketPolicy').PolicyDocument as { Statement: PolicyStatement[] };
    const cloudFront = policy.Statement.filter((s) => s.Principal?.Service === 'cloudfront.amazonaws.com');
    expect(cloudFront).toHaveLength(1);
    expect(cloudFront[0]).toMatchObject({ Effect: 'Allow', Action: 's3:GetObject' });
    expect(text(cloudFront[0]?.Condition?.StringEquals?.['AWS:SourceArn'])).toMatch(new RegExp(`:cloudfront::REF\\(AWS::AccountId\\):distribution/REF\\(${distributionId}\\)$`));
    expect(policy.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(policy.Statement.filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal) === '{"AWS":"*"}')).toEqual([]);
  });

  it('reaches the bucket through origin access control, never a legacy origin access identity', () => {
    const config = props(hosted.resources, 'AWS::CloudFront::Distribution', 'WebAppDistribution').DistributionConfig as { Origins: Array<Record<string, unknown>> };
    const oacId = logicalIdOf(hosted.resources, 'AWS::CloudFront::OriginAccessControl', 'WebApp');
    expect(config.Origins).toEqual([expect.objectContaining({ OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] }, S3OriginConfig: { OriginAccessIdentity: '' } })]);
    expect(props(hosted.resources, 'AWS::CloudFront::OriginAccessControl', 'WebApp').OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    expect(ofType(hosted.resources, 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual([]);
  });

  it('redirects HTTP to HTTPS, serves index.html at /, speaks HTTP/2 and HTTP/3, and logs to the log bucket', () => {
    const config = props(hosted.resources, 'AWS::CloudFront::Distribution', 'WebAppDistribution').DistributionConfig as Record<string, unknown>;
    expect(config).toMatchObject({
      DefaultRootObject: 'index.html',
      HttpVersion: 'http2and3',
      DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: { Ref: logicalIdOf(hosted.resources, 'AWS::CloudFront::ResponseHeadersPolicy', 'WebApp') } },
      Logging: { Bucket: { 'Fn::GetAtt': [logicalIdOf(hosted.resources, 'AWS::S3::Bucket', 'WebAppLogs'), 'RegionalDomainName'] } },
    });
  });

  it('adds HSTS (two years, subdomains), nosniff, X-Frame-Options DENY, no referrer and the CSP to every response, over the origin\'s', () => {
    const headers = (props(hosted.resources, 'AWS::CloudFront::ResponseHeadersPolicy', 'WebApp').ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, Record<string, unknown>> }).SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity).toEqual({ AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(headers.ContentSecurityPolicy?.Override).toBe(true);
  });

  it('has a CSP whose connect-src names the API, Cognito in the stack region and the IoT endpoint over wss, with no wildcard and no inline code', () => {
    const headers = (props(hosted.resources, 'AWS::CloudFront::ResponseHeadersPolicy', 'WebApp').ResponseHeadersPolicyConfig as { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } } }).SecurityHeadersConfig;
    const csp = text(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    const apiId = logicalIdOf(hosted.resources, 'AWS::ApiGatewayV2::Api', 'Commands');
    expect(directives(csp)['connect-src']).toEqual([
      "'self'",
      `GETATT(${apiId}.ApiEndpoint)`,
      'https://cognito-idp.REF(AWS::Region).amazonaws.com',
      'https://cognito-identity.REF(AWS::Region).amazonaws.com',
      `wss://${IOT_HOST}`,
    ]);
    expect(directives(csp)['frame-ancestors']).toEqual(["'none'"]);
    expect(csp).not.toMatch(/\*|unsafe-/);
  });

  it("publishes one deployment: the build and a config.json with exactly parseWebConfig's AWS keys from the stack's own values, all no-cache", () => {
    const deployments = ofType(hosted.resources, 'Custom::CDKBucketDeployment');
    expect(deployments).toHaveLength(1);
    expect(deployments[0]?.[1].Properties).toMatchObject({ SystemMetadata: { 'cache-control': 'no-cache' }, Prune: true, DestinationBucketName: { Ref: logicalIdOf(hosted.resources, 'AWS::S3::Bucket', 'WebAppBucket') } });
    const config = deployedConfig(hosted);
    expect(config).toEqual({
      region: 'REF(AWS::Region)',
      userPoolId: `REF(${logicalIdOf(hosted.resources, 'AWS::Cognito::UserPool', 'Users')})`,
      // The public web client, never the confidential app client.
      clientId: `REF(${logicalIdOf(hosted.resources, 'AWS::Cognito::UserPoolClient', 'WebClient')})`,
      apiUrl: `GETATT(${logicalIdOf(hosted.resources, 'AWS::ApiGatewayV2::Api', 'Commands')}.ApiEndpoint)`,
      iotEndpoint: IOT_HOST,
    });
    expect(() => parseWebConfig(config)).not.toThrow();
  });

  it("allows the distribution's origin on the API alongside -c corsOrigins, set by UpdateApi once both exist (the API's template cannot name it)", () => {
    const apiId = logicalIdOf(hosted.resources, 'AWS::ApiGatewayV2::Api', 'Commands');
    expect(hosted.resources[apiId]?.Properties).not.toHaveProperty('CorsConfiguration');
    const [, cors] = ofType(hosted.resources, 'Custom::AWS').find(([id]) => id.includes('CommandsCors')) ?? [];
    const call = JSON.parse(text(cors?.Properties?.Create)) as { action: string; parameters: { ApiId: string; CorsConfiguration: Record<string, unknown> } };
    expect(call.action).toBe('updateApi');
    expect(call.parameters.ApiId).toBe(`REF(${apiId})`);
    expect(call.parameters.CorsConfiguration.AllowOrigins).toEqual([ORIGIN, `https://GETATT(${distributionId}.DomainName)`]);
    expect(text(cors?.Properties?.Update)).toBe(text(cors?.Properties?.Create));
  });

  it("sets exactly the CORS configuration the API's template has without hosting, plus the distribution's origin", () => {
    const withoutHosting = synthesize({ ...ENDPOINT, corsOrigins: ORIGIN });
    const template = props(withoutHosting.resources, 'AWS::ApiGatewayV2::Api', 'Commands').CorsConfiguration as { AllowOrigins: string[] };
    const [, cors] = ofType(hosted.resources, 'Custom::AWS').find(([id]) => id.includes('CommandsCors')) ?? [];
    const set = (JSON.parse(text(cors?.Properties?.Create)) as { parameters: { CorsConfiguration: unknown } }).parameters.CorsConfiguration;
    expect(set).toEqual({ ...template, AllowOrigins: [...template.AllowOrigins, `https://GETATT(${distributionId}.DomainName)`] });
  });

  it('gives the CORS custom resource apigateway:PATCH on this API only', () => {
    const policy = props(hosted.resources, 'AWS::IAM::Policy', 'CommandsCorsCustomResourcePolicy').PolicyDocument as { Statement: PolicyStatement[] };
    expect(policy.Statement.map((s) => [s.Action, text(s.Resource)])).toEqual([
      ['apigateway:PATCH', `arn:REF(AWS::Partition):apigateway:REF(AWS::Region)::/apis/REF(${logicalIdOf(hosted.resources, 'AWS::ApiGatewayV2::Api', 'Commands')})`],
    ]);
  });

  it('outputs WebAppUrl, https://<distribution domain>, the origin the API allows', () => {
    const outputs = hosted.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(text(outputs[StackOutputs.WebAppUrl]?.Value)).toBe(`https://GETATT(${distributionId}.DomainName)`);
  });
});

describe('web hosting: how it is turned on', () => {
  it('is turned on by the webHosting stack prop as by the context flag', () => {
    const stack = new IotOnboardingStack(testApp(), 'Prop', { ...ENDPOINT, webHosting: true });
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::CloudFront::Distribution'))).toHaveLength(1);
  });

  it('stays off with -c webHosting=false', () => {
    const { stack } = buildApp(testApp({ ...ENDPOINT, webHosting: 'false' }));
    expect(Template.fromStack(stack).findResources('AWS::CloudFront::Distribution')).toEqual({});
  });

  it.each(['yes', '1', 'TRUE', 'on'])('refuses -c webHosting=%s, saying what was expected', (value) => {
    expect(() => buildApp(new App({ context: { webHosting: value } }))).toThrow(`Context webHosting "${value}" is invalid: expected true or false`);
  });

  it('synthesizes with zero unacknowledged cdk-nag findings, with and without a concrete account and region', () => {
    expect(() => buildApp(testApp({ ...ENDPOINT, webHosting: 'true' })).app.synth()).not.toThrow();
    vi.stubEnv('CDK_DEFAULT_ACCOUNT', '123456789012');
    vi.stubEnv('CDK_DEFAULT_REGION', 'eu-west-1');
    try {
      const concrete = buildApp(testApp({ ...ENDPOINT, webHosting: 'true' }));
      expect([concrete.stack.account, concrete.stack.region]).toEqual(['123456789012', 'eu-west-1']);
      expect(() => concrete.app.synth()).not.toThrow();
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('web hosting with an adopted user pool', () => {
  const ADOPT = { ...ENDPOINT, userPoolId: 'eu-west-1_Team1234', appClientIds: 'webclient111,mobileclient222', webHosting: 'true' };

  it("configures the app with the adopted pool and its first client, public by default", () => {
    const config = deployedConfig(synthesize(ADOPT));
    expect(config).toMatchObject({ userPoolId: 'eu-west-1_Team1234', clientId: 'webclient111' });
  });

  it('refuses webHosting when the first adopted client has a secret, naming what is missing', () => {
    expect(() => buildApp(testApp({ ...ADOPT, appClientHasSecret: 'true' }))).toThrow(/webHosting needs a public app client .* first app client has a secret \(appClientHasSecret\)/);
  });
});

describe('the web app build at synth (local bundling, never Docker)', () => {
  const outputDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'web-build-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };

  it('builds web/ with Vite: index.html and its hashed script and stylesheet, no config.json, no source maps', () => {
    const out = outputDir();
    buildWebApp(out);
    const assets = readdirSync(join(out, 'assets'));
    expect(assets.filter((f) => /^index-[\w-]+\.js$/.test(f))).toHaveLength(1);
    expect(assets.filter((f) => /^index-[\w-]+\.css$/.test(f))).toHaveLength(1);
    expect(assets.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(existsSync(join(out, 'config.json'))).toBe(false);
    // No inline code for the CSP to allow: the stylesheet and script are files.
    expect(readFileSync(join(out, 'index.html'), 'utf8')).not.toMatch(/<style|<script(?![^>]*\ssrc=)/);
  });

  it('fails synthesis with a message saying what failed when the build fails', () => {
    const out = outputDir();
    expect(() => buildWebApp(out, join(out, 'missing.vite.config.ts'))).toThrow(/building the web app \(web\/\) with Vite failed .* rather than fall back to Docker/);
  });
});
