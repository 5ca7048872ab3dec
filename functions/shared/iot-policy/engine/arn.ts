/** The kinds of IoT resource ARNs the data-plane actions are authorized on. */
export type IotResourceType = 'client' | 'topic' | 'topicfilter' | 'thing';

export interface ArnScope {
  /** Default `aws`. */
  readonly partition?: string;
  readonly region: string;
  readonly account: string;
}

/** The ARN of an IoT resource, e.g. `iotResourceArn('topic', 'a/b', scope)`. */
export function iotResourceArn(type: IotResourceType, name: string, scope: ArnScope): string {
  return `arn:${scope.partition ?? 'aws'}:iot:${scope.region}:${scope.account}:${type}/${name}`;
}
