import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './paths';

/**
 * The context of cdk.json: the feature flags the stack is written for and the CLI settings. The
 * CDK CLI hands it to `cdk synth` and `cdk deploy`; an App built in a test or a lint script gets
 * it from here, so they synthesize the template that deploys.
 *
 * Every feature flag of aws-cdk-lib is set there (`cdk flags --unstable=flags` lists none
 * unconfigured), at its recommended value except three, on purpose:
 * - `@aws-cdk/core:target-partitions` `["aws"]` (as it was): the stack is written and tested for
 *   the commercial partition only.
 * - `@aws-cdk/core:enableAdditionalMetadataCollection` false: it reports construct properties to
 *   AWS in the CDKMetadata resource; the project opts out of telemetry (`cli-telemetry` false).
 * - `@aws-cdk/aws-lambda:useCdkManagedLogGroup` false: the product's functions bring their own log
 *   groups (ProductFunction); the flag would add only a named, retained log group for CDK's
 *   AwsCustomResource provider, which the stack keeps out (a retained named group can block a
 *   later deploy; see the infra test on fixed-name log groups).
 * With these flags the template differs from the unset ones only in ARNs with a literal `aws`
 * partition where the region is known (cdk.json targets the `aws` partition) and in IAM
 * statements minimized by `@aws-cdk/aws-iam:minimizePolicies`.
 */
export function projectContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return { ...cdkJson.context };
}
