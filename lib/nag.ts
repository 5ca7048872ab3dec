import { Stack, Token, Validations, type CfnResource } from 'aws-cdk-lib';
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
