import * as z from 'zod/mini';
import { AwsServiceError, parseJsonBody } from '../../../wire/http';
import type { IotRegistry, StoredPolicy } from '../registry';
import type { Route } from './policy-routes';
import { iotMember } from './route';

const requiredString = z.string();

function summary(p: StoredPolicy) {
  return { policyName: p.policyName, policyArn: p.policyArn };
}

function getPolicy(registry: IotRegistry, label: string) {
  const p = registry.getPolicy(label);
  return {
    policyName: p.policyName,
    policyArn: p.policyArn,
    policyDocument: p.policyDocument,
    defaultVersionId: '1',
    // REST-JSON timestamps default to epoch seconds.
    creationDate: p.createdAt.getTime() / 1000,
    lastModifiedDate: p.lastModifiedAt.getTime() / 1000,
    generationId: p.generationId,
  };
}

/** The policy operations: CreatePolicy, GetPolicy, DeletePolicy, ListPolicies, Attach/DetachPolicy, ListAttachedPolicies, ListTargetsForPolicy. */
export function runPolicyOperation(registry: IotRegistry, { operation, label = '' }: Route, query: URLSearchParams, body: Buffer): unknown {
  const pageSize = query.get('pageSize') === null ? undefined : Number(query.get('pageSize'));
  const marker = query.get('marker') ?? undefined;
  switch (operation) {
    case 'CreatePolicy': {
      const document = iotMember(requiredString, parseJsonBody(body), 'policyDocument');
      const p = registry.createPolicy(label, document);
      return { policyName: p.policyName, policyArn: p.policyArn, policyDocument: p.policyDocument, policyVersionId: '1' };
    }
    case 'GetPolicy':
      return getPolicy(registry, label);
    case 'DeletePolicy':
      registry.deletePolicy(label);
      return {};
    case 'ListPolicies': {
      const page = registry.listPolicies(marker, pageSize, query.get('isAscendingOrder') !== 'false');
      return { policies: page.items.map(summary), ...(page.nextMarker ? { nextMarker: page.nextMarker } : {}) };
    }
    case 'AttachPolicy':
    case 'DetachPolicy': {
      const target = iotMember(requiredString, parseJsonBody(body), 'target');
      if (operation === 'AttachPolicy') registry.attachPolicy(label, target);
      else registry.detachPolicy(label, target);
      return {};
    }
    case 'ListAttachedPolicies': {
      // `recursive` (thing-group inheritance) has no meaning here: the sandbox has no groups.
      const page = registry.listAttachedPolicies(label, marker, pageSize);
      return { policies: page.items.map(summary), ...(page.nextMarker ? { nextMarker: page.nextMarker } : {}) };
    }
    case 'ListTargetsForPolicy': {
      const page = registry.listTargetsForPolicy(label, marker, pageSize);
      return { targets: page.items, ...(page.nextMarker ? { nextMarker: page.nextMarker } : {}) };
    }
    default:
      throw new Error(`not a policy operation: ${operation}`);
  }
}

/** DescribeEndpoint: absent endpointType means the legacy `iot:Data` endpoint (DescribeEndpoint API reference). */
export function describeEndpoint(query: URLSearchParams, dataEndpointHost: string) {
  const type = query.get('endpointType') ?? 'iot:Data';
  if (type !== 'iot:Data' && type !== 'iot:Data-ATS') {
    throw new AwsServiceError(400, 'InvalidRequestException', `Endpoint type ${type} is not emulated by the sandbox (only iot:Data and iot:Data-ATS)`);
  }
  return { endpointAddress: dataEndpointHost };
}
