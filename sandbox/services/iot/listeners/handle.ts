import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Aedes, Client } from 'aedes';
import { guardPacketSize } from './packet-size';

/**
 * Hands a transport (TCP socket, TLS socket, WebSocket stream) to aedes, as every listener must:
 * with the packet size cap (packet-size.ts) and QoS 2 subscriptions granted QoS 1.
 */
export function handleMqttStream(aedes: Aedes, stream: Duplex, req?: IncomingMessage): void {
  const client = aedes.handle(stream, req);
  guardPacketSize(stream);
  grantQos1ForQos2(client);
}

/**
 * AWS IoT supports QoS 0 and 1 only (https://docs.aws.amazon.com/iot/latest/developerguide/mqtt.html#mqtt-qos)
 * and grants QoS 1 to a QoS 2 subscription. aedes fixes the SUBACK's granted QoS from the request
 * before the authorizeSubscribe hook runs, so the request is rewritten as it is parsed (aedes'
 * parser is internal: `_parser`, an mqtt-packet parser emitting 'packet').
 */
function grantQos1ForQos2(client: Client): void {
  const parser = (client as unknown as { _parser?: EventEmitter })._parser;
  parser?.prependListener('packet', (packet: { cmd: string; subscriptions?: Array<{ qos: number }> }) => {
    if (packet.cmd !== 'subscribe') return;
    for (const subscription of packet.subscriptions ?? []) if (subscription.qos === 2) subscription.qos = 1;
  });
}
