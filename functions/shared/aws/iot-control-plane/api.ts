import type {
  AttachPolicyCommandInput,
  DetachPolicyCommandInput,
  DescribeThingCommandInput,
  DescribeThingCommandOutput,
  ListTargetsForPolicyCommandInput,
  ListTargetsForPolicyCommandOutput,
  ListThingsCommandInput,
  ListThingsCommandOutput,
  UpdateThingCommandInput,
} from '@aws-sdk/client-iot';

/**
 * The IoT control-plane operations the Lambdas call, under the names and with the shapes of the
 * SDK's aggregated client: `new IoT()` from @aws-sdk/client-iot (admin CLI, sandbox, tests) is
 * one, `createIotControlPlane()` (./client.ts, what the Lambdas bundle) another. Only types come
 * from the SDK here: @aws-sdk/client-iot's runtime model is about 110 kB of every bundle it enters.
 */
export interface IotControlPlane {
  describeThing(input: DescribeThingCommandInput): Promise<Pick<DescribeThingCommandOutput, 'thingName' | 'attributes' | 'version'>>;
  updateThing(input: UpdateThingCommandInput): Promise<unknown>;
  listThings(input: ListThingsCommandInput): Promise<Pick<ListThingsCommandOutput, 'things' | 'nextToken'>>;
  listTargetsForPolicy(input: ListTargetsForPolicyCommandInput): Promise<Pick<ListTargetsForPolicyCommandOutput, 'targets' | 'nextMarker'>>;
  attachPolicy(input: AttachPolicyCommandInput): Promise<unknown>;
  detachPolicy(input: DetachPolicyCommandInput): Promise<unknown>;
}
