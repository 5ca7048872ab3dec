import type { Construct } from 'constructs';
import { ProductFunction, type ProductFunctionProps } from './function';
import type { IotAccess } from './iot-access';

/** What a user-shadow task is built from (both workflows' props carry it). */
export interface UserShadowTaskContext {
  readonly access: IotAccess;
  /** The account's IoT data endpoint URL, given to the handler as `IOT_DATA_ENDPOINT`. */
  readonly iotDataEndpoint: string;
}

/**
 * A workflow task that works on users' shadows (onboarding writes the welcome, offboarding deletes
 * them): its handler reaches the data plane at `IOT_DATA_ENDPOINT` and may use `shadowActions` on
 * identity-named things only (IotAccess.grantUserShadows).
 */
export function userShadowTask(
  scope: Construct,
  id: string,
  context: UserShadowTaskContext,
  shadowActions: string[],
  props: ProductFunctionProps,
): ProductFunction {
  const fn = new ProductFunction(scope, id, { ...props, environment: { ...props.environment, IOT_DATA_ENDPOINT: context.iotDataEndpoint } });
  context.access.grantUserShadows(fn, shadowActions);
  return fn;
}
