import {
  DeleteThingShadowCommand,
  ListNamedShadowsForThingCommand,
  type IoTDataPlaneClient,
} from '@aws-sdk/client-iot-data-plane';
import * as z from 'zod/mini';
import { classifyAwsError, toUpstreamError } from '../shared/aws-errors';
import { InvalidInputError } from '../shared/errors';
import { IDENTITY_ID_PATTERN } from '../shared/offboarding';
import type { Log } from '../shared/observability';

export interface DeleteShadowsDeps {
  readonly iotData: Pick<IoTDataPlaneClient, 'send'>;
  readonly log: Log;
}

const inputSchema = z.object({ identityId: z.string().check(z.regex(IDENTITY_ID_PATTERN, 'expected an Identity ID (region:guid)')) });

/**
 * Workflow step: deletes the user's own shadows, the classic one and every named one of the
 * thing named by their identity id (device twins live there too, design section 8). Idempotent:
 * a shadow already gone answers ResourceNotFoundException, which counts as deleted.
 */
export async function deleteUserShadows(event: unknown, deps: DeleteShadowsDeps): Promise<{ deleted: number }> {
  const parsed = inputSchema.safeParse(event);
  if (!parsed.success) throw new InvalidInputError(`DeleteShadows expects {identityId}: ${parsed.error.issues[0]?.message}`);
  const thingName = parsed.data.identityId;
  let deleted = 0;
  for (const shadowName of await namedShadows(deps, thingName)) {
    if (await deleteShadow(deps, thingName, shadowName)) deleted += 1;
  }
  if (await deleteShadow(deps, thingName, undefined)) deleted += 1;
  deps.log.info('User shadows deleted', { thingName, deleted });
  return { deleted };
}

/** ListNamedShadowsForThing, every page (pageSize at most 100). */
async function namedShadows(deps: DeleteShadowsDeps, thingName: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await deps.iotData.send(new ListNamedShadowsForThingCommand({ thingName, pageSize: 100, nextToken }));
      names.push(...(page.results ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    if (classifyAwsError(error) === 'notFound') return names;
    throw toUpstreamError('ListNamedShadowsForThing', error);
  }
  return names;
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
