import {
  DeleteThingShadowCommand,
  ListNamedShadowsForThingCommand,
  type IoTDataPlaneClient,
} from '@aws-sdk/client-iot-data-plane';
import { classifyAwsError, toUpstreamError } from '../../shared/aws/classify';
import type { Log } from '../../shared/observability/logging';
import { listAll } from '../../shared/aws/pagination';
import { identityTaskInputSchema, parseTaskInput } from '../../shared/workflows/task-input';

export interface DeleteShadowsDeps {
  readonly iotData: Pick<IoTDataPlaneClient, 'send'>;
  readonly log: Log;
}

/**
 * Workflow step: deletes the user's own shadows, the classic one and every named one of the
 * thing named by their identity id (device twins live there too, design section 8). Idempotent:
 * a shadow already gone answers ResourceNotFoundException, which counts as deleted.
 */
export async function deleteUserShadows(event: unknown, deps: DeleteShadowsDeps): Promise<{ deleted: number }> {
  const { identityId: thingName } = parseTaskInput(identityTaskInputSchema, event, 'DeleteShadows expects {identityId}');
  let deleted = 0;
  for (const shadowName of await namedShadows(deps, thingName)) {
    if (await deleteShadow(deps, thingName, shadowName)) deleted += 1;
  }
  if (await deleteShadow(deps, thingName, undefined)) deleted += 1;
  deps.log.info('User shadows deleted', { thingName, deleted });
  return { deleted };
}

/** ListNamedShadowsForThing, every page (pageSize at most 100); a thing with no shadow answers 404: none. */
function namedShadows(deps: DeleteShadowsDeps, thingName: string): Promise<string[]> {
  return listAll('ListNamedShadowsForThing', [], async (nextToken) => {
    const page = await deps.iotData.send(new ListNamedShadowsForThingCommand({ thingName, pageSize: 100, nextToken }));
    return { items: page.results, next: page.nextToken };
  });
}

async function deleteShadow(deps: DeleteShadowsDeps, thingName: string, shadowName: string | undefined): Promise<boolean> {
  try {
    await deps.iotData.send(new DeleteThingShadowCommand({ thingName, ...(shadowName ? { shadowName } : {}) }));
    return true;
  } catch (error) {
    // DeleteThingShadow: ResourceNotFoundException (404) when the shadow does not exist.
    // https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_DeleteThingShadow.html
    if (classifyAwsError(error) === 'notFound') return false;
    throw toUpstreamError('DeleteThingShadow', error);
  }
}
