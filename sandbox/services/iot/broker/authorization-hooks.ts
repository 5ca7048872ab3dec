import type { AedesOptions, AedesPublishPacket, Client, Subscription } from 'aedes';
import { SHADOW_LIMITS } from '../../../../functions/shared/devices/shadow-limits';
import { iotArn } from '../authorization';
import type { BrokerState } from './state';

type AuthorizePublishHandler = NonNullable<AedesOptions['authorizePublish']>;
type AuthorizeSubscribeHandler = NonNullable<AedesOptions['authorizeSubscribe']>;

/**
 * PUBLISH → iot:Publish on `topic/<topic>` (denied: the connection is closed, as AWS IoT
 * disconnects a client on an unauthorized publish); SUBSCRIBE → iot:Subscribe on
 * `topicfilter/<filter>` (denied: SUBACK 0x80 for that filter); delivery → iot:Receive on
 * `topic/<topic>` (denied: not delivered).
 */

export function authorizePublishHook(state: BrokerState): AuthorizePublishHandler {
  return (client, packet, callback) => {
    if (!client) {
      // A will message published after its client is gone: authorized when the client connected.
      callback(null);
      return;
    }
    const info = state.connections.get(client);
    if (packet.topic.startsWith('$SYS')) {
      callback(new Error('$SYS topics are reserved'));
      return;
    }
    // AWS IoT supports QoS 0 and 1 only ("AWS IoT differences from MQTT specifications").
    if (packet.qos === 2 || packet.payload.length > SHADOW_LIMITS.payloadBytes) {
      if (info) info.disconnectReason = 'CLIENT_ERROR';
      callback(new Error(packet.qos === 2 ? 'QoS 2 is not supported' : 'payload larger than 128 KB'));
      return;
    }
    const decision = state.check(client, { action: 'iot:Publish', resource: iotArn('topic', packet.topic) });
    const retainDenied = decision.allowed && packet.retain && !state.check(client, { action: 'iot:RetainPublish', resource: iotArn('topic', packet.topic) }).allowed;
    if (!decision.allowed || retainDenied) {
      // AWS IoT disconnects a client whose publish is not authorized (AUTH_ERROR lifecycle reason).
      if (info) info.disconnectReason = 'AUTH_ERROR';
      callback(new Error(`not authorized to publish to ${packet.topic}`));
      return;
    }
    callback(null);
  };
}

export function authorizeSubscribeHook(state: BrokerState): AuthorizeSubscribeHandler {
  return (client, subscription: Subscription, callback) => {
    if (subscription.topic.startsWith('$SYS')) {
      callback(null, null);
      return;
    }
    const decision = state.check(client, { action: 'iot:Subscribe', resource: iotArn('topicfilter', subscription.topic) });
    if (!decision.allowed) {
      // MQTT 3.1.1 §3.9.3: return code 0x80 for this filter; the connection stays open.
      callback(null, null);
      return;
    }
    // QoS 2 requests arrive here as QoS 1 already (listeners/handle.ts), so the SUBACK grants 1.
    callback(null, subscription);
  };
}

export function authorizeForwardHook(state: BrokerState) {
  return (client: Client, packet: AedesPublishPacket): AedesPublishPacket | null => {
    // Broker-internal traffic never leaves the broker.
    if (packet.topic.startsWith('$SYS')) return null;
    const decision = state.opts.authorize({ principal: state.principalOf(client), action: 'iot:Receive', resource: iotArn('topic', packet.topic), clientId: client.id });
    return decision.allowed ? packet : null;
  };
}
