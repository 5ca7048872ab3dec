import { z } from 'zod';
import { SfnErrors } from './api-errors';

/**
 * Request members of the emulated operations, with the constraints of the Step Functions API
 * reference that matter here. A violation answers ValidationException, as AWS does.
 */
const arnMember = z.string().min(1).max(256);
const schemas = {
  StartExecution: z.object({
    stateMachineArn: arnMember,
    name: z.string().optional(),
    input: z.string().max(262_144).optional(),
    traceHeader: z.string().optional(),
  }),
  DescribeExecution: z.object({ executionArn: arnMember, includedData: z.string().optional() }),
  ListExecutions: z.object({
    stateMachineArn: arnMember,
    statusFilter: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']).optional(),
    redriveFilter: z.enum(['REDRIVEN', 'NOT_REDRIVEN']).optional(),
    maxResults: z.number().optional(),
    nextToken: z.string().optional(),
  }),
  GetExecutionHistory: z.object({
    executionArn: arnMember,
    maxResults: z.number().optional(),
    reverseOrder: z.boolean().optional(),
    nextToken: z.string().optional(),
    includeExecutionData: z.boolean().optional(),
  }),
  RedriveExecution: z.object({ executionArn: arnMember, clientToken: z.string().min(1).max(64).optional() }),
  StopExecution: z.object({ executionArn: arnMember, error: z.string().max(256).optional(), cause: z.string().max(32_768).optional() }),
  DescribeStateMachine: z.object({ stateMachineArn: arnMember }),
  ListStateMachines: z.object({ maxResults: z.number().optional(), nextToken: z.string().optional() }),
} as const;

export type OperationName = keyof typeof schemas;

export function parse<K extends OperationName>(operation: K, input: unknown): z.infer<(typeof schemas)[K]> {
  const parsed = schemas[operation].safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `'${i.path.join('.')}': ${i.message}`);
    throw SfnErrors.validation(`${issues.length} validation error(s) detected: ${issues.join('; ')}`);
  }
  return parsed.data as z.infer<(typeof schemas)[K]>;
}
