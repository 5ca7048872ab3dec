/**
 * Every Lambda of the product: its name (stable: CDK's `source`, the sandbox's function names, the
 * benchmark's rows) and the folder under `functions/` that holds its `handler.ts`. The CDK
 * constructs, the sandbox bundler and the benchmark all take entry paths from here.
 */
export const LAMBDA_HANDLERS = {
  'post-authentication': 'onboarding/post-authentication',
  'resolve-identity': 'onboarding/resolve-identity',
  'publish-welcome': 'onboarding/publish-welcome',
  'attach-worker': 'onboarding/attach-worker',
  'attach-dead-letters': 'onboarding/attach-dead-letters',
  'publish-command': 'api/publish-command',
  'iot-authorizer': 'authorizer/iot-authorizer',
  'offboard-resolve': 'offboarding/resolve',
  'offboard-release-devices': 'offboarding/release-devices',
  'offboard-delete-shadows': 'offboarding/delete-shadows',
  'offboard-remove-identity': 'offboarding/remove-identity',
  'offboard-record': 'offboarding/record',
  'user-lifecycle': 'offboarding/user-lifecycle',
  'offboard-reconciler': 'offboarding/reconciler',
  'policy-cleanup': 'stack/policy-cleanup',
} as const;

export type LambdaName = keyof typeof LAMBDA_HANDLERS;

export const LAMBDA_NAMES = Object.keys(LAMBDA_HANDLERS) as LambdaName[];

/** The handler's path from the repository root, e.g. `functions/api/publish-command/handler.ts`. */
export function handlerPath(name: LambdaName): string {
  return `functions/${LAMBDA_HANDLERS[name]}/handler.ts`;
}
