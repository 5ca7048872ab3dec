import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnLogging } from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';
import { acknowledge, nagAccount, nagPartition, nagRegion } from '../nag';

export type IotLogLevel = 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';

export interface IotLoggingProps {
  /** Default log level. `ERROR` already records AUTHORIZATION_FAILURE. */
  readonly level: IotLogLevel;
}

/**
 * AWS IoT Core logging to the `AWSIotLogsV2` log group, where the cause of an
 * AUTHORIZATION_FAILURE is visible (the first source article found it there). Account-wide and
 * billed per log line: the stack creates it only when asked (`iotLogLevel`).
 */
export class IotLogging extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: IotLoggingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroupArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: 'AWSIotLogsV2:*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('iot.amazonaws.com'),
      description: 'Lets AWS IoT Core write its logs to AWSIotLogsV2.',
      inlinePolicies: {
        Logs: new PolicyDocument({
          statements: [
            new PolicyStatement({
              actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:PutMetricFilter', 'logs:PutRetentionPolicy'],
              resources: [logGroupArn],
            }),
          ],
        }),
      },
    });
    acknowledge(
      this.role,
      `IAM5[Resource::arn:${nagPartition(this)}:logs:${nagRegion(this)}:${nagAccount(this)}:log-group:AWSIotLogsV2:*]`,
      'IoT writes log streams it names itself inside the AWSIotLogsV2 group.',
    );
    new CfnLogging(this, 'Logging', { accountId: stack.account, roleArn: this.role.roleArn, defaultLogLevel: props.level });
  }
}
