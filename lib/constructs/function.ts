import { Duration } from 'aws-cdk-lib';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { LambdaName } from '../../functions/handlers';
import { LAMBDA_BUNDLING } from '../bundling';
import { acknowledge } from '../nag';
import { functionEntry, PROJECT_ROOT } from '../paths';

export interface ProductFunctionProps extends Omit<NodejsFunctionProps, 'entry' | 'role' | 'logGroup'> {
  /** The function's name in functions/handlers.ts, which says where its `handler.ts` is. */
  readonly source: LambdaName;
  /** Log retention. Default one month. */
  readonly logRetention?: RetentionDays;
}

/**
 * A product Lambda with the project's defaults: Node.js 24 on arm64, X-Ray active, its own log
 * group (one month) and a role that may write only to that log group (no managed policy), and a
 * minified ESM esbuild bundle (local esbuild, no Docker) that includes the pinned AWS SDK clients.
 */
export class ProductFunction extends NodejsFunction {
  /** The function's own execution role (logs to its log group only, until grants add more). */
  readonly executionRole: Role;

  constructor(scope: Construct, id: string, props: ProductFunctionProps) {
    const { source, bundling, environment, logRetention, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: logRetention ?? RetentionDays.ONE_MONTH });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        Logs: new PolicyDocument({
          statements: [
            new PolicyStatement({
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [logGroup.logGroupArn],
            }),
          ],
        }),
      },
    });
    super(scope, id, {
      entry: functionEntry(source),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}/package-lock.json`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      environment: { POWERTOOLS_LOG_LEVEL: 'INFO', ...environment },
      bundling: {
        minify: LAMBDA_BUNDLING.minify,
        sourceMap: LAMBDA_BUNDLING.sourcemap,
        target: LAMBDA_BUNDLING.target,
        format: OutputFormat.ESM,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        banner: LAMBDA_BUNDLING.banner,
        externalModules: [],
        forceDockerBundling: false,
        ...bundling,
      },
      ...rest,
    });
    this.executionRole = role;
    // Tracing.ACTIVE grants xray:PutTraceSegments/PutTelemetryRecords, which have no resource type.
    acknowledge(role, 'IAM5[Resource::*]', 'X-Ray PutTraceSegments and PutTelemetryRecords do not support resource-level permissions.');
  }
}
