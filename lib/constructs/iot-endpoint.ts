import type { Stack } from 'aws-cdk-lib';
import { acknowledge } from '../nag';

/** Construct id of CDK's AwsCustomResource singleton provider function. */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/**
 * Acknowledges the managed policy of CDK's AwsCustomResource provider (a singleton shared by
 * every AwsCustomResource of the stack). Call once, after all constructs are added.
 */
export function acknowledgeCustomResourceProvider(stack: Stack): void {
  const provider = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
  if (!provider) return;
  acknowledge(
    provider,
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'CDK\'s AwsCustomResource provider runs at deployment only and writes nothing but its own logs.',
  );
}
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/**
 * The account's IoT Core ATS data endpoint (`iot:DescribeEndpoint`, type `iot:Data-ATS`), read
 * at deploy time. It is account- and region-specific and has no CloudFormation attribute.
 */
export class IotDataEndpoint extends Construct {
  /** `https://<prefix>-ats.iot.<region>.amazonaws.com` */
  readonly url: string;
  /** The host alone, what MQTT clients connect to. */
  readonly host: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const lookup = new AwsCustomResource(this, 'Lookup', {
      onUpdate: {
        service: 'Iot',
        action: 'describeEndpoint',
        parameters: { endpointType: 'iot:Data-ATS' },
        physicalResourceId: PhysicalResourceId.of('iot-data-ats-endpoint'),
      },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
    });
    this.host = lookup.getResponseField('endpointAddress');
    this.url = `https://${this.host}`;
    acknowledge(lookup, 'IAM5[Resource::*]', 'iot:DescribeEndpoint has no resource-level permissions.');

  }
}
