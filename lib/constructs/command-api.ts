import { ArnFormat, CfnOutput, Duration, Stack, Token } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnApi, CorsHttpMethod, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ApiCors, assertCorsOrigins, corsAllowMethods } from '../../functions/shared/api-cors';
import { ApiRoutes } from '../../functions/shared/routes';
import { StackOutputs } from '../../functions/shared/stack-outputs';
import { FunctionBudgets } from '../../functions/shared/aws/time-budgets';
import { ProductFunction } from './function';
import type { IotAccess } from './iot-access';
import type { OnboardingWorkflow } from './onboarding-workflow';

export interface CommandApiProps {
  readonly userPool: IUserPool;
  /** The app clients whose ID tokens the API accepts (the JWT authorizer's audiences). */
  readonly appClients: readonly IUserPoolClient[];
  readonly access: IotAccess;
  readonly iotDataEndpoint: string;
  /** The onboarding workflow: the API ensures a user's onboarding when it finds them not onboarded. */
  readonly onboarding: OnboardingWorkflow;
  /** Seconds a trust decision about a user is reused (design section 9). Default 300. */
  readonly trustRevalidateSeconds?: number;
  /** Stage throttling. Default 50 requests/s, burst 100. */
  readonly throttle?: ThrottleSettings;
  /**
   * Origins of the web app allowed to call the API from a browser (CORS, `https://host[:port]`,
   * no wildcard). Default none: no CORS configuration at all.
   */
  readonly corsOrigins?: readonly string[];
}

/**
 * The HTTP API: every route of functions/shared/routes.ts (commands, credentials, the device
 * list, claim and release) behind a JWT authorizer on the user pool and app client, served by
 * one Lambda: commands are published with the caller's own identity credentials (so IoT
 * enforces the user's role and policy), and the ownership check shares that function's caches
 * (a release drops the ownership entry at once for the releasing user).
 */
export class CommandApi extends Construct {
  readonly api: HttpApi;
  readonly handler: ProductFunction;
  private readonly corsOrigins: readonly string[];

  constructor(scope: Construct, id: string, props: CommandApiProps) {
    super(scope, id);
    this.corsOrigins = props.corsOrigins ?? [];
    this.handler = new ProductFunction(this, 'Handler', {
      source: 'publish-command',
      timeout: Duration.seconds(FunctionBudgets.publishCommand.timeoutSeconds),
      description: 'Command API: publishes device commands and hands out IoT credentials for the caller\'s identity.',
      environment: {
        USER_POOL_ID: props.userPool.userPoolId,
        IDENTITY_POOL_ID: props.access.identityPool.ref,
        DEVELOPER_PROVIDER_NAME: props.access.developerProviderName,
        IOT_DATA_ENDPOINT: props.iotDataEndpoint,
        ...(props.trustRevalidateSeconds !== undefined ? { TRUST_REVALIDATE_SECONDS: String(props.trustRevalidateSeconds) } : {}),
      },
    });
    props.onboarding.grantEnsureOnboarding(this.handler);
    this.handler.addToRolePolicy(new PolicyStatement({ actions: ['cognito-idp:AdminGetUser'], resources: [props.userPool.userPoolArn] }));
    props.access.grantResolveIdentity(this.handler);
    props.access.grantDeviceOwnership(this.handler);

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH });
    this.api = new HttpApi(this, 'Api', { description: 'IoT onboarding command API', createDefaultStage: false, ...corsPreflight(props.corsOrigins) });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            routeKey: '$context.routeKey',
            status: '$context.status',
            sub: '$context.authorizer.claims.sub',
            latencyMs: '$context.responseLatency',
            error: '$context.error.message',
          }),
        ),
      },
    });

    const authorizer = new HttpUserPoolAuthorizer('UserPool', props.userPool, { userPoolClients: [...props.appClients] });
    const integration = new HttpLambdaIntegration('Handler', this.handler);
    for (const routeKey of Object.values(ApiRoutes)) {
      const [method, path] = routeKey.split(' ') as [keyof typeof HttpMethod, string];
      this.api.addRoutes({ path, methods: [HttpMethod[method]], integration, authorizer });
    }
  }

  /**
   * Also allows `origin`, known only at deploy time (the hosted web app's CloudFront domain), besides
   * `corsOrigins`. The API's own template cannot name it: the distribution's Content-Security-Policy
   * names the API, so API → distribution → headers policy → API would be a cycle CloudFormation
   * refuses. The whole CORS configuration therefore leaves the API's template for a custom resource
   * that sets it (UpdateApi) once both exist, and again whenever an origin changes. Deleting the
   * custom resource changes nothing (the API's own update may just have set its configuration).
   */
  allowOriginAtDeploy(origin: string): void {
    const cfnApi = this.api.node.defaultChild as CfnApi;
    cfnApi.corsConfiguration = undefined;
    const apiId = this.api.apiId;
    const update = {
      service: 'ApiGatewayV2',
      action: 'updateApi',
      parameters: { ApiId: apiId, CorsConfiguration: corsConfiguration([...this.corsOrigins, origin]) },
      physicalResourceId: PhysicalResourceId.of(`${apiId}-cors`),
      // The response is the whole API; keep one field (a custom resource's data is capped at 4 KB).
      outputPaths: ['ApiId'],
    };
    // UpdateApi is `apigateway:PATCH` on the API's own ARN ("API Gateway Amazon Resource Name (ARN) reference",
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/arn-format-reference.html).
    const apiArn = Stack.of(this).formatArn({ service: 'apigateway', account: '', resource: '/apis', resourceName: apiId, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    new AwsCustomResource(this, 'Cors', {
      onCreate: update,
      onUpdate: update,
      policy: AwsCustomResourcePolicy.fromStatements([new PolicyStatement({ actions: ['apigateway:PATCH'], resources: [apiArn] })]),
      installLatestAwsSdk: false,
    });
  }

  addOutputs(): void {
    new CfnOutput(this, 'ApiUrl', { key: StackOutputs.ApiUrl, value: this.api.apiEndpoint });
  }
}

/**
 * The CORS configuration as API Gateway takes it (UpdateApi's and CloudFormation's
 * `CorsConfiguration`): one rendering of ApiCors, whether it goes in the API's template
 * (`corsPreflight`) or through the custom resource (`allowOriginAtDeploy`). Origins that are
 * deploy-time tokens are checked when they resolve, by API Gateway.
 */
function corsConfiguration(origins: readonly string[]) {
  assertCorsOrigins(origins.filter((o) => !Token.isUnresolved(o)), 'corsOrigins has');
  return {
    AllowOrigins: [...origins],
    AllowMethods: corsAllowMethods(),
    AllowHeaders: [...ApiCors.allowHeaders],
    ExposeHeaders: [...ApiCors.exposeHeaders],
    MaxAge: ApiCors.maxAgeSeconds,
    AllowCredentials: false,
  };
}

/**
 * API Gateway answers the preflight itself for these origins, before any authorizer, and adds the
 * allowed origin to the integration's answers ("Configure CORS for HTTP APIs in API Gateway",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html). No credentials:
 * the app sends its token in `authorization`, never cookies.
 */
function corsPreflight(origins: readonly string[] | undefined) {
  if (origins === undefined || origins.length === 0) return {};
  const c = corsConfiguration(origins);
  return {
    corsPreflight: {
      allowOrigins: c.AllowOrigins,
      allowMethods: c.AllowMethods.map((method) => CorsHttpMethod[method as keyof typeof CorsHttpMethod]),
      allowHeaders: c.AllowHeaders,
      exposeHeaders: c.ExposeHeaders,
      maxAge: Duration.seconds(c.MaxAge),
      allowCredentials: c.AllowCredentials,
    },
  };
}
