import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { projectContext } from '../../lib/project-context';

/** Flags set against aws-cdk-lib's recommendation, each on purpose (lib/project-context.ts says why). */
const DELIBERATE = {
  '@aws-cdk/core:enableAdditionalMetadataCollection': false,
  '@aws-cdk/aws-lambda:useCdkManagedLogGroup': false,
  '@aws-cdk/core:target-partitions': ['aws'],
};

describe('feature flags (cdk.json)', () => {
  it('configures every flag aws-cdk-lib recommends, so cdk synth has no unconfigured flag to report', () => {
    const context = projectContext();
    expect(Object.keys(CURRENTLY_RECOMMENDED_FLAGS).filter((flag) => !(flag in context))).toEqual([]);
  });

  it('sets each flag to its recommended value but the deliberate exceptions', () => {
    const context = projectContext();
    const differing = Object.fromEntries(Object.entries(CURRENTLY_RECOMMENDED_FLAGS).filter(([flag, value]) => JSON.stringify(context[flag]) !== JSON.stringify(value)).map(([flag]) => [flag, context[flag]]));
    expect(differing).toEqual(DELIBERATE);
  });
});
