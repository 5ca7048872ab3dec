import { Stack, Token, Validations, type CfnResource } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag finding ids name the resource as cdk-nag prints it: pseudo parameters as
 * `<AWS::Region>`, attributes as `<LogicalId.Arn>`. These helpers build those names so an
 * acknowledgement covers exactly one finding, with or without a concrete env.
 */
export function nagRegion(scope: IConstruct): string {
  const region = Stack.of(scope).region;
  return Token.isUnresolved(region) ? '<AWS::Region>' : region;
}

/**
 * The partition as cdk-nag prints it: `aws` where the stack knows its region (the
 * `@aws-cdk/core:enablePartitionLiterals` feature flag renders the literal then), else the
 * pseudo parameter.
 */
export function nagPartition(scope: IConstruct): string {
  const partition = Stack.of(scope).partition;
  return Token.isUnresolved(partition) ? '<AWS::Partition>' : partition;
}

export function nagAccount(scope: IConstruct): string {
  const account = Stack.of(scope).account;
  return Token.isUnresolved(account) ? '<AWS::AccountId>' : account;
}

export function nagArn(resource: CfnResource): string {
  return `<${Stack.of(resource).getLogicalId(resource)}.Arn>`;
}

/** Acknowledges one AwsSolutions finding on one construct, with the reason it is accepted. */
export function acknowledge(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${rule}`, reason });
}

/**
 * Grants actions that have no IAM resource type (resource `*`, Service Authorization Reference)
 * and acknowledges on `role` the IAM5 finding that follows, with the reason it is safe, so the
 * statement and its acknowledgement cannot drift apart. `grantee` adds the statement (a
 * function's addToRolePolicy places it as Lambda does; `role` is where cdk-nag reports it).
 */
export function grantWildcard(grantee: { addToRolePolicy(statement: PolicyStatement): void }, role: IConstruct, actions: string[], reason: string): void {
  grantee.addToRolePolicy(new PolicyStatement({ actions, resources: ['*'] }));
  acknowledge(role, 'IAM5[Resource::*]', reason);
}
