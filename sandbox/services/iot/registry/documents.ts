import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../../wire/account';
import { AwsServiceError } from '../../../wire/http';
import type { PolicyDocumentLike, PolicyStatementLike } from '../../../../functions/shared/iot-policy/engine';

export interface StoredPolicy {
  readonly policyName: string;
  readonly policyArn: string;
  /** The document exactly as the caller sent it (GetPolicy returns it verbatim). */
  readonly policyDocument: string;
  readonly parsed: PolicyDocumentLike;
  readonly createdAt: Date;
  readonly lastModifiedAt: Date;
  readonly generationId: string;
}

export const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
/** "Maximum number of policies attached to a certificate or Amazon Cognito identity": 10. */
export const MAX_POLICIES_PER_TARGET = 10;
/** "Maximum size of a policy document": 2048 characters, whitespace excluded. */
export const MAX_POLICY_CHARS = 2048;

export function policyArn(policyName: string): string {
  return `arn:aws:iot:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:policy/${policyName}`;
}

/** Parses and checks an IoT or IAM policy document; throws MalformedPolicyException. */
export function parsePolicyDocument(text: string): PolicyDocumentLike {
  const malformed = (why: string) => new AwsServiceError(400, 'MalformedPolicyException', `Policy document is malformed: ${why}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed('not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw malformed('expected a JSON object');
  const statement = (value as { Statement?: unknown }).Statement;
  const list = Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
  if (list.length === 0) throw malformed('Statement is missing or empty');
  for (const s of list) {
    if (!s || typeof s !== 'object') throw malformed('every Statement must be an object');
    const st = s as Partial<Record<keyof PolicyStatementLike, unknown>>;
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') throw malformed('Effect must be "Allow" or "Deny"');
    const stringOrList = (v: unknown) => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    if (!stringOrList(st.Action) && !stringOrList(st.NotAction)) throw malformed('every Statement needs Action or NotAction');
    if (!stringOrList(st.Resource) && !stringOrList(st.NotResource)) throw malformed('every Statement needs Resource or NotResource');
  }
  return value as PolicyDocumentLike;
}

