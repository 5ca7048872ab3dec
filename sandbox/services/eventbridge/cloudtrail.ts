import type { CognitoCloudTrailRecord } from '../../../functions/shared/identity/lifecycle-events';
import { CLOUDTRAIL_DETAIL_TYPE } from '../../../functions/shared/identity/lifecycle-events';
import type { PutEventsEntry } from './bus';

/**
 * How EventBridge carries a CloudTrail-recorded management call: source `aws.<service>`,
 * detail-type "AWS API Call via CloudTrail", detail = the CloudTrail record
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html#eb-service-event-cloudtrail).
 */
export function cloudTrailEntry(service: string, record: CognitoCloudTrailRecord): PutEventsEntry {
  return { source: `aws.${service}`, detailType: CLOUDTRAIL_DETAIL_TYPE, detail: record, time: new Date(record.eventTime) };
}
