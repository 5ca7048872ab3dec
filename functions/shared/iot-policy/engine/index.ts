/**
 * The AWS IoT Core policy engine: resource and action matching, policy variables (Cognito
 * identity, client id, thing policy variables) and condition operators. Product code: the
 * sandbox broker, TestAuthorization, `diagnose` and the policy templates' tests import it from here.
 */
export { iotResourceArn, type ArnScope, type IotResourceType } from './arn';
export { conditionHolds } from './conditions';
export { asList, statementsOf, type NamedPolicy, type PolicyDocumentLike, type PolicyStatementLike } from './documents';
export { evaluatePolicies, statementApplies, type PolicySetVerdict } from './evaluate';
export { compilePattern, hasUnresolvedVariable } from './patterns';
export { contextValue, type ConnectionThing, type RequestContext } from './request-context';
