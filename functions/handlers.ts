/**
 * Every Lambda of the product: its name (stable: CDK's `source`, the sandbox's function names, the
 * benchmark's rows) and the folder under `functions/` that holds its `handler.ts`. The CDK
 * constructs, the sandbox bundler and the benchmark all take entry paths from here.
 */
export const LAMBDA_HANDLERS = {
  'post-authentication': 'onboarding/post-authentication',
  'resolve-identity': 'onboarding/resolve-identity',
  'publish-welcome': 'onboarding/publish-welcome',
  'publish-command': 'api/publish-command',
  'iot-authorizer': 'authorizer/iot-authorizer',
  'offboard-delete-shadows': 'offboarding/delete-shadows',
  'offboard-remove-identity': 'offboarding/remove-identity',
  'offboard-record': 'offboarding/record',
  'user-lifecycle': 'offboarding/user-lifecycle',
  'offboard-reconciler': 'offboarding/reconciler',
  'policy-cleanup': 'stack/policy-cleanup',
  'pool-trigger': 'stack/pool-trigger',
  'policy-gate-worker': 'gates/policy-worker',
  'user-lookup-gate-worker': 'gates/user-lookup-worker',
  'device-release-gate-worker': 'gates/device-release-worker',
  'gate-dead-letters': 'gates/dead-letters',
} as const;

export type LambdaName = keyof typeof LAMBDA_HANDLERS;

export const LAMBDA_NAMES = Object.keys(LAMBDA_HANDLERS) as LambdaName[];

/** The handler's path from the repository root, e.g. `functions/api/publish-command/handler.ts`. */
export function handlerPath(name: LambdaName): string {
  return `functions/${LAMBDA_HANDLERS[name]}/handler.ts`;
}
