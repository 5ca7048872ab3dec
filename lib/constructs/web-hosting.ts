import { CfnOutput, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, type CfnResource } from 'aws-cdk-lib';
import {
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source, type ISource } from 'aws-cdk-lib/aws-s3-deployment';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { acknowledge, nagAccount, nagArn, nagPartition, nagRegion } from '../nag';
import { webAppSource } from '../web-bundling';
import { StackOutputs } from '../../functions/shared/stack-outputs';
import { contentSecurityPolicy } from '../../web/src/content-security-policy';
import type { WebConfig } from '../../web/src/config';

export interface WebHostingProps {
  /** What the app's config.json holds (web/src/config.ts, the AWS keys only); deploy-time tokens are fine. */
  readonly config: WebConfig;
  /** The app's files. Default: web/ built with Vite at synth (lib/web-bundling.ts). */
  readonly source?: ISource;
  /** Days CloudFront's and S3's access logs are kept. Default 90. */
  readonly logRetentionDays?: number;
}

/**
 * The web app (web/) hosted privately in S3 behind CloudFront: the bucket is reachable only by
 * this distribution (origin access control), the distribution serves HTTPS only with security
 * headers and a Content-Security-Policy naming exactly what the app calls, and one
 * BucketDeployment publishes the build and a config.json generated from the stack's own values,
 * all `Cache-Control: no-cache` so a redeploy takes effect at once. Access logs of both go to a
 * log bucket that outlives the stack (RETAIN) and empties itself (expiration).
 */
export class WebHosting extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<distribution domain>`: the app's URL and the origin its pages send in `Origin`. */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    // S3 server access logs are let in by a bucket policy (the logging.s3.amazonaws.com principal,
    // this bucket as source) rather than the legacy LogDeliveryWrite ACL CDK uses without this
    // flag, which cfn-lint flags (W3045) ("Permissions for server access log delivery",
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html).
    // Set here, it applies to this construct's buckets only.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    this.logBucket = logBucket(this, props.logRetentionDays ?? 90);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      // Only build output, rebuilt at every synth: nothing to keep when the stack goes.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3-access/',
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `${Stack.of(this).stackName} web app`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        // OAC, not the legacy OAI: CloudFront signs its requests (SigV4) and the bucket policy
        // allows s3:GetObject to the CloudFront service principal only with AWS:SourceArn = this
        // distribution ("Restrict access to an Amazon S3 origin",
        // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html).
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        // Honors the objects' Cache-Control; its minimum TTL of 1 s bounds how long an edge keeps
        // a no-cache object ("If your minimum TTL is greater than 0, CloudFront will cache content
        // for at least [it], even if ... no-cache", CachePolicyConfig,
        // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CachePolicyConfig.html).
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders(this, contentSecurityPolicy(props.config)),
      },
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;
    this.deploy(props.source ?? webAppSource(), props.config);
    acknowledgeDistribution(this.distribution);
  }

  /**
   * One BucketDeployment: the build and config.json together, so a page never meets a config of
   * another deployment, and `prune` removes the previous build's hashed files. Everything is
   * `no-cache` (browsers revalidate, a 304 when unchanged; edges keep it 1 s at most): the app is
   * one script and one stylesheet, so revalidating them costs little and no invalidation is needed.
   */
  private deploy(source: ISource, config: WebConfig): void {
    const deployment = new BucketDeployment(this, 'Deployment', {
      // Source.jsonData resolves the tokens (pool, client, API, endpoint) at deploy time.
      sources: [source, Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      cacheControl: [CacheControl.noCache()],
    });
    acknowledgeDeploymentHandler(deployment, this.bucket);
  }

  addOutputs(): void {
    new CfnOutput(this, 'WebAppUrl', { key: StackOutputs.WebAppUrl, value: this.origin });
  }
}

/** Where CloudFront's standard logs and the site bucket's server access logs go. */
function logBucket(scope: Construct, retentionDays: number): Bucket {
  const bucket = new Bucket(scope, 'Logs', {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    encryption: BucketEncryption.S3_MANAGED,
    // CloudFront standard logging (legacy) grants itself access with ACLs: the bucket must have
    // them enabled, which new buckets do not by default ("Standard logging (access logs)",
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html); Bucket
    // owner preferred keeps the account owning what is written.
    objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [{ expiration: Duration.days(retentionDays) }],
    // Logs are the record of who fetched what: they outlive the stack, and expire on their own.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledge(bucket, 'S1', 'This is the access-log bucket itself: logging its own accesses would log the log deliveries.');
  return bucket;
}

/**
 * Security headers CloudFront adds to every response of the behavior, each overriding whatever
 * the origin sends (ResponseHeadersPolicySecurityHeadersConfig,
 * https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ResponseHeadersPolicySecurityHeadersConfig.html).
 */
function securityHeaders(scope: Construct, csp: string): ResponseHeadersPolicy {
  return new ResponseHeadersPolicy(scope, 'SecurityHeaders', {
    comment: 'IoT onboarding web app: HSTS, nosniff, no framing, no referrer, CSP',
    securityHeadersBehavior: {
      // Two years; no preload: the cloudfront.net name is not ours to submit.
      strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
    },
  });
}

/**
 * The findings of CDK's BucketDeployment handler (a singleton Lambda, `Custom::CDKBucketDeployment…`,
 * whose code and policy CDK writes), acknowledged on its role and function only.
 */
function acknowledgeDeploymentHandler(deployment: BucketDeployment, bucket: Bucket): void {
  const role = deployment.handlerRole;
  const stack = Stack.of(deployment);
  const qualifier = (stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') as string | undefined) ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  acknowledge(
    role,
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    "CDK's BucketDeployment handler runs at deployment only; the managed policy lets it write its own logs.",
  );
  const reading = 'CDK grants the handler read access to the bootstrap asset bucket (where the zipped build and config.json are staged) with these wildcards.';
  const writing = 'CDK grants the handler read-write access to the web app bucket with these wildcards: it syncs the build into it and prunes what the build no longer has.';
  for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*']) acknowledge(role, `IAM5[Action::${action}]`, `${reading} ${writing}`);
  for (const action of ['s3:DeleteObject*', 's3:Abort*']) acknowledge(role, `IAM5[Action::${action}]`, writing);
  acknowledge(role, `IAM5[Resource::arn:${nagPartition(stack)}:s3:::cdk-${qualifier}-assets-${nagAccount(stack)}-${nagRegion(stack)}/*]`, reading);
  acknowledge(role, `IAM5[Resource::${nagArn(bucket.node.defaultChild as CfnResource)}/*]`, writing);
  if (role.node.scope) acknowledge(role.node.scope, 'L1', "The runtime of CDK's BucketDeployment handler is chosen by aws-cdk-lib, which ships its code.");
}

/** The distribution's cdk-nag findings that stay, each with why. */
function acknowledgeDistribution(distribution: Distribution): void {
  acknowledge(
    distribution,
    'CFR1',
    'No geo restriction: the app serves the user pool\'s users wherever they are; the API and Cognito behind it decide who may do what.',
  );
  acknowledge(
    distribution,
    'CFR2',
    'No AWS WAF web ACL: the distribution serves public static files only (the API it calls is throttled and JWT-authorized); a web ACL costs a monthly fee at rest. Teams that need one attach it to the distribution.',
  );
  // With the default *.cloudfront.net certificate CloudFront sets the security policy to TLSv1
  // whatever MinimumProtocolVersion says (ViewerCertificate,
  // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ViewerCertificate.html).
  acknowledge(
    distribution,
    'CFR4',
    'The distribution uses its default *.cloudfront.net certificate (no custom domain), for which CloudFront fixes the minimum protocol at TLSv1; a custom domain with an ACM certificate allows TLSv1.2_2021.',
  );
}
