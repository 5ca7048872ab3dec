import * as z from 'zod/mini';
import { parseRequest } from '../../wire/validation';
import { SfnErrors } from './api-errors';

/**
 * Request members of the emulated operations, with the constraints of the Step Functions API
 * reference that matter here. A violation answers ValidationException, as AWS does.
 */
const arnMember = z.string().check(z.minLength(1), z.maxLength(256));
const taskTokenMember = z.string().check(z.minLength(1), z.maxLength(2048));
const optionalString = z.optional(z.string());
const optionalNumber = z.optional(z.number());
const schemas = {
  StartExecution: z.object({
    stateMachineArn: arnMember,
    name: optionalString,
    input: z.optional(z.string().check(z.maxLength(262_144))),
    traceHeader: optionalString,
  }),
  DescribeExecution: z.object({ executionArn: arnMember, includedData: optionalString }),
  ListExecutions: z.object({
    stateMachineArn: arnMember,
    statusFilter: z.optional(z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'])),
    redriveFilter: z.optional(z.enum(['REDRIVEN', 'NOT_REDRIVEN'])),
    maxResults: optionalNumber,
    nextToken: optionalString,
  }),
  GetExecutionHistory: z.object({
    executionArn: arnMember,
    maxResults: optionalNumber,
    reverseOrder: z.optional(z.boolean()),
    nextToken: optionalString,
    includeExecutionData: z.optional(z.boolean()),
  }),
  RedriveExecution: z.object({ executionArn: arnMember, clientToken: z.optional(z.string().check(z.minLength(1), z.maxLength(64))) }),
  StopExecution: z.object({
    executionArn: arnMember,
    error: z.optional(z.string().check(z.maxLength(256))),
    cause: z.optional(z.string().check(z.maxLength(32_768))),
  }),
  // SendTaskSuccess/SendTaskFailure/SendTaskHeartbeat (API reference): taskToken 1-2048,
  // output at most 262,144, error at most 256, cause at most 32,768 characters.
  SendTaskSuccess: z.object({ taskToken: taskTokenMember, output: z.string().check(z.maxLength(262_144)) }),
  SendTaskFailure: z.object({
    taskToken: taskTokenMember,
    error: z.optional(z.string().check(z.maxLength(256))),
    cause: z.optional(z.string().check(z.maxLength(32_768))),
  }),
  SendTaskHeartbeat: z.object({ taskToken: taskTokenMember }),
  DescribeStateMachine: z.object({ stateMachineArn: arnMember }),
  ListStateMachines: z.object({ maxResults: optionalNumber, nextToken: optionalString }),
} as const;

export type OperationName = keyof typeof schemas;

export function parse<K extends OperationName>(operation: K, input: unknown): z.infer<(typeof schemas)[K]> {
  return parseRequest(schemas[operation], input, (message) => SfnErrors.validation(message)) as z.infer<(typeof schemas)[K]>;
}
