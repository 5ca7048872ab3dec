import type { IotControlPlane } from './api';
import { createTransport, type IotControlPlaneConfig } from './transport';

/** A URI label as the SDK encodes it: encodeURIComponent, plus !'()* (RFC 3986 reserved). */
const label = (value: string | undefined): string =>
  encodeURIComponent(value ?? '').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Query parameters from the input members bound to the query string; absent members are left out. */
function query(values: Record<string, string | number | boolean | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
}

/**
 * The IoT control-plane client the Lambdas bundle: the six REST-JSON operations they call, with
 * the request bindings of the AWS IoT API Reference (DescribeThing `GET /things/{thingName}`,
 * UpdateThing `PATCH /things/{thingName}`, ListThings `GET /things`, ListTargetsForPolicy
 * `POST /policy-targets/{policyName}`, AttachPolicy `PUT /target-policies/{policyName}` and
 * DetachPolicy `POST /target-policies/{policyName}`, both with `{"target"}`:
 * https://docs.aws.amazon.com/iot/latest/apireference/API_DetachPolicy.html), on the SDK's own
 * transport (./transport.ts). It keeps
 * @aws-sdk/client-iot's whole service model (about 110 kB) out of their bundles.
 * `destroy()` closes its sockets, as an SDK client's does.
 */
export function createIotControlPlane(config: IotControlPlaneConfig): IotControlPlane & { destroy(): void } {
  const transport = createTransport(config);
  return {
    destroy: transport.destroy,
    describeThing: (input) => transport.call({ method: 'GET', path: `/things/${label(input.thingName)}` }),
    updateThing: ({ thingName, ...body }) => transport.call({ method: 'PATCH', path: `/things/${label(thingName)}`, body }),
    listThings: (input) =>
      transport.call({
        method: 'GET',
        path: '/things',
        query: query({
          nextToken: input.nextToken,
          maxResults: input.maxResults,
          attributeName: input.attributeName,
          attributeValue: input.attributeValue,
          thingTypeName: input.thingTypeName,
          usePrefixAttributeValue: input.usePrefixAttributeValue,
        }),
      }),
    listTargetsForPolicy: (input) =>
      transport.call({ method: 'POST', path: `/policy-targets/${label(input.policyName)}`, query: query({ marker: input.marker, pageSize: input.pageSize }) }),
    attachPolicy: ({ policyName, target }) => transport.call({ method: 'PUT', path: `/target-policies/${label(policyName)}`, body: { target } }),
    detachPolicy: ({ policyName, target }) => transport.call({ method: 'POST', path: `/target-policies/${label(policyName)}`, body: { target } }),
  };
}
