/** The Device Shadow service's request, result and stored-document types. */

export type ShadowOperation = 'get' | 'update' | 'delete';
export type ShadowTransport = 'mqtt' | 'http';

export interface ShadowRequest {
  readonly operation: ShadowOperation;
  readonly thingName: string;
  /** Named shadow; undefined for the classic (unnamed) shadow. */
  readonly shadowName?: string;
  readonly payload: Buffer;
  /** Over MQTT rejections are published on `.../rejected`; over HTTP they are only returned. */
  readonly transport: ShadowTransport;
}

export interface ShadowMessage {
  readonly topic: string;
  readonly payload: Buffer;
}

/** The error codes of "Device Shadow error messages", with the REST data plane's exception names. */
export interface ShadowError {
  readonly code: 400 | 404 | 409 | 413 | 415;
  readonly message: string;
  readonly errorType:
    | 'InvalidRequestException'
    | 'ResourceNotFoundException'
    | 'ConflictException'
    | 'RequestEntityTooLargeException'
    | 'UnsupportedDocumentEncodingException';
}

export type ShadowResult =
  | { readonly ok: true; readonly document: JsonObject; readonly messages: readonly ShadowMessage[] }
  | { readonly ok: false; readonly error: ShadowError; readonly messages: readonly ShadowMessage[] };

export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export interface StoredShadow {
  /** Undefined after DeleteThingShadow (the version survives deletion). */
  state?: { desired?: JsonObject; reported?: JsonObject };
  metadata: { desired?: JsonObject; reported?: JsonObject };
  version: number;
}

/** A parsed shadow topic, or undefined when the topic is not a shadow request topic. */
export interface ShadowTopic {
  readonly thingName: string;
  readonly shadowName?: string;
  readonly operation: ShadowOperation;
}

