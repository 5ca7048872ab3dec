import { SHADOW_LIMITS } from '../../../../functions/shared/devices/shadow-limits';
import { AwsServiceError } from '../../../wire/http';
import { iotArn } from '../authorization';
import { decodeLabel, type DataPlaneCall, type IotDataPlaneOptions } from './call';

/** Publish: `POST /topics/{topic}?qos=&retain=`, the body is the raw payload. */
export async function publish(opts: IotDataPlaneOptions, call: DataPlaneCall, rawTopic: string): Promise<void> {
  const { url, body } = call;
  const topic = decodeLabel(rawTopic);
  const caller = call.verify();
  call.checkFault('Publish');
  const qosParam = url.searchParams.get('qos') ?? '0';
  if (qosParam !== '0' && qosParam !== '1') throw new AwsServiceError(400, 'InvalidRequestException', 'qos must be 0 or 1');
  const retain = url.searchParams.get('retain') === 'true';
  if (topic === '' || /[+#]/.test(topic)) throw new AwsServiceError(400, 'InvalidRequestException', `Invalid topic name: ${topic}`);
  if (body.length > SHADOW_LIMITS.payloadBytes) {
    throw new AwsServiceError(413, 'RequestEntityTooLargeException', 'The payload exceeds the maximum size allowed');
  }
  // "You can't publish to a reserved topic with the RETAIN flag set" (MQTT retained messages).
  if (retain && topic.startsWith('$')) throw new AwsServiceError(400, 'InvalidRequestException', `Retained publish to reserved topic ${topic} is not allowed`);
  call.requireAllowed({ principal: caller.principal, action: 'iot:Publish', resource: iotArn('topic', topic) });
  if (retain) call.requireAllowed({ principal: caller.principal, action: 'iot:RetainPublish', resource: iotArn('topic', topic) });
  await opts.publish({ topic, payload: body, qos: qosParam === '1' ? 1 : 0, retain });
  call.res.writeHead(200, { 'content-type': 'application/json', 'content-length': 0, 'x-amzn-requestid': crypto.randomUUID() });
  call.res.end();
}
