import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Aedes } from 'aedes';
import { WebSocketServer } from 'ws';
import type { CredentialStore } from '../../../wire/credentials';
import type { AwsServiceError } from '../../../wire/http';
import { SIGNING_NAMES } from '../../../wire/signing-names';
import { verifyPresignedUrl } from '../../../wire/sigv4';
import type { IotPrincipal } from '../authorization';
import { createMqttWebSocketStream } from '../mqtt-ws-framing';
import { handleMqttStream } from './handle';
import { MAX_MQTT_PACKET_BYTES } from './packet-size';

/**
 * MQTT over WebSocket: the `upgrade` listener for any HTTP(S) server that should accept it. The
 * upgrade request must be SigV4-presigned (signing name `iotdevicegateway`) or, without SigV4
 * query parameters, go to a custom authorizer. The signature is verified BEFORE the handshake
 * completes: a bad signature, an unknown key or an expired date answers a plain HTTP 403 and
 * never a WebSocket. The connection's identity is the signer's (handed to authentication through
 * `upgradePrincipals`).
 */
export interface WebSocketListenerOptions {
  readonly aedes: Aedes;
  readonly store: CredentialStore;
  /** The path WebSocket clients connect to (AWS: `/mqtt`). */
  readonly path: string;
  /** Whether a custom authorizer may take unsigned upgrades. */
  readonly customAuthAvailable: () => boolean;
  readonly upgradePrincipals: WeakMap<IncomingMessage, IotPrincipal>;
  readonly onUpgradeRefused?: (event: { url: string; error: AwsServiceError | Error }) => void;
  readonly now?: () => number;
}

export function createWebSocketListener(opts: WebSocketListenerOptions) {
  // ws' default maxPayload is 100 MiB; a frame larger than one MQTT packet may be is closed with 1009.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MQTT_PACKET_BYTES });

  const refused = (socket: Duplex, url: string, error: Error) => {
    opts.onUpgradeRefused?.({ url, error });
    refuse(socket, 403, 'Forbidden');
  };

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = req.url ?? '/';
    if (url.split('?')[0] !== opts.path) {
      refuse(socket, 404, 'Not Found');
      return;
    }
    if (/[?&]X-Amz-(Signature|Credential)=/i.test(url)) {
      try {
        const credentials = verifyPresignedUrl({ url, headers: req.headers }, opts.store, { service: SIGNING_NAMES.iotDeviceGateway, ...(opts.now ? { now: opts.now } : {}) });
        opts.upgradePrincipals.set(req, credentials.principal);
      } catch (error) {
        refused(socket, url, error instanceof Error ? error : new Error(String(error)));
        return;
      }
    } else if (!opts.customAuthAvailable()) {
      refused(socket, url, new Error('no SigV4 query parameters and no custom authorizer configured'));
      return;
    }
    // Every WebSocket path (SigV4 and custom authorizer) ends here: one binary frame per MQTT packet.
    wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = createMqttWebSocketStream(ws);
      stream.on('error', () => stream.destroy());
      handleMqttStream(opts.aedes, stream, req);
    });
  }

  return {
    handleUpgrade,
    close(): void {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
}
