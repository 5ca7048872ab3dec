import type { Targets } from './context';

/**
 * The workflows `failed` and `redrive` act on (`--workflow <name>`), each with the target that
 * holds its state machine ARN. The first is the default.
 */
export const WORKFLOWS = {
  onboarding: 'stateMachineArn',
  offboarding: 'offboardingStateMachineArn',
} as const satisfies Record<string, keyof Targets>;

export type WorkflowName = keyof typeof WORKFLOWS;
export const WORKFLOW_NAMES = Object.keys(WORKFLOWS) as WorkflowName[];
export const DEFAULT_WORKFLOW: WorkflowName = 'onboarding';

export function stateMachineOf(targets: Targets, workflow: WorkflowName): string {
  return targets[WORKFLOWS[workflow]];
}

/** The `--workflow` option as a command line names it: nothing for the default. */
export function workflowFlag(workflow: WorkflowName): string {
  return workflow === DEFAULT_WORKFLOW ? '' : ` --workflow ${workflow}`;
}
