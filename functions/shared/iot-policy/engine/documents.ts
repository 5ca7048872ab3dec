/**
 * Policy documents as AWS accepts them (IoT policies and IAM policies alike): `Statement` may be
 * one object or a list, `Action`/`Resource` a string or a list, `NotAction`/`NotResource` invert
 * the match. Wider than the product's templates so hand-written role policies
 * (`"Action": "iot:*"`) are accepted too; the templates' documents are assignable to it.
 */
export interface PolicyStatementLike {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  /** `{ operator: { key: value | values } }` (conditions.ts). */
  readonly Condition?: unknown;
}

export interface PolicyDocumentLike {
  readonly Version?: string;
  readonly Statement: PolicyStatementLike | readonly PolicyStatementLike[];
}

/** A policy document with the name an operator knows it by (IoT policy name, role ARN, ...). */
export interface NamedPolicy {
  readonly name: string;
  readonly document: PolicyDocumentLike;
}

export function statementsOf(document: PolicyDocumentLike): readonly PolicyStatementLike[] {
  const s = document.Statement;
  return Array.isArray(s) ? (s as readonly PolicyStatementLike[]) : [s as PolicyStatementLike];
}

export function asList<T>(value: T | readonly T[] | undefined): readonly T[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}
