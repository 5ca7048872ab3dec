import type { RequestHandler } from './http';

/**
 * CORS as the Cognito endpoints answer it: any origin may call them from a browser (the public
 * operations, InitiateAuth, RespondToAuthChallenge, GetCredentialsForIdentity, are what
 * amazon-cognito-identity-js and the SDK call from a page), preflights included. The wrapped
 * service never sees a preflight; its answers carry `access-control-allow-origin: *` and expose
 * the headers the SDKs read (request id, error type).
 */
export function withAnyOriginCors(handler: RequestHandler): RequestHandler {
  return (req, body, res) => {
    if (typeof req.headers.origin !== 'string') return handler(req, body, res);
    res.setHeader('access-control-allow-origin', '*');
    if (req.method === 'OPTIONS' && typeof req.headers['access-control-request-method'] === 'string') {
      const requested = req.headers['access-control-request-headers'];
      res.writeHead(200, {
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': typeof requested === 'string' ? requested : 'content-type,x-amz-target,x-amz-user-agent',
        'access-control-max-age': '172800',
        'content-length': '0',
      });
      res.end();
      return;
    }
    res.setHeader('access-control-expose-headers', 'x-amzn-requestid,x-amzn-errortype,x-amzn-errormessage,date');
    return handler(req, body, res);
  };
}
