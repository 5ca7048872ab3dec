import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../wire/account';

const PREFIX = `arn:aws:states:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}`;

export function stateMachineArn(name: string): string {
  return `${PREFIX}:stateMachine:${name}`;
}

/** `arn:aws:states:<region>:<account>:execution:<stateMachineName>:<executionName>`. */
export function executionArn(stateMachineName: string, executionName: string): string {
  return `${PREFIX}:execution:${stateMachineName}:${executionName}`;
}

const EXECUTION_ARN = /^arn:aws:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;
const STATE_MACHINE_ARN = /^arn:aws:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/;

export function isExecutionArn(arn: string): boolean {
  return EXECUTION_ARN.test(arn);
}

export function isStateMachineArn(arn: string): boolean {
  return STATE_MACHINE_ARN.test(arn);
}

/**
 * Execution and state machine names (StartExecution `name`, CreateStateMachine `name`): 1-80
 * characters, none of whitespace, `< > { } [ ]`, `? *`, `" # % \ ^ | ~ \` $ & , ; : /`, or the
 * control characters U+0000-001F and U+007F-009F. Returns what is wrong, or undefined.
 */
export function invalidNameReason(name: string): string | undefined {
  if (name.length < 1 || name.length > 80) return 'must be 1-80 characters long';
  // eslint-disable-next-line no-control-regex
  const bad = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u.exec(name);
  return bad ? `must not contain '${bad[0]}'` : undefined;
}
