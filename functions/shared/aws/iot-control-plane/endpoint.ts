/**
 * Where IoT control-plane calls go, in the order the SDK resolves it: the client's own `endpoint`;
 * then, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true, AWS_ENDPOINT_URL_IOT and
 * AWS_ENDPOINT_URL (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html; the
 * shared config file's `endpoint_url`, which Lambda never has, is not read); else the Region's
 * control-plane endpoint, iot.<region>.amazonaws.com, .com.cn in the China Regions
 * (https://docs.aws.amazon.com/general/latest/gr/iot-core.html).
 */
export function iotEndpoint(region: string, configured: string | undefined, env: NodeJS.ProcessEnv = process.env): URL {
  if (configured) return new URL(configured);
  const fromEnv = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true' ? undefined : (env.AWS_ENDPOINT_URL_IOT ?? env.AWS_ENDPOINT_URL);
  if (fromEnv) return new URL(fromEnv);
  return new URL(`https://iot.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`);
}
