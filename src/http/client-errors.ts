import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Catalogue } from '../spec/catalogue.js';
import { REQUIRED_KEYS } from '../spec/catalogue.js';
import { generateRequestId } from './request-id.js';

/**
 * What Node's HTTP parser refuses before Fastify sees a request (headers too large, a broken
 * request line, a client too slow) still gets the envelope and a request id, as Fastify's own
 * handler would answer in its own format. The connection is closed afterwards, as Node does.
 */
export function clientErrorResponder(catalogue: Catalogue) {
  const invalidInput = catalogue.get(REQUIRED_KEYS.invalidInput);
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, code, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 431, 'The request headers are larger than the sandbox accepts (16 KB in all).']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 408, 'The request did not arrive in time.']
          : [400, invalidInput.code, `${invalidInput.message} The request is not valid HTTP.`];
    const body = JSON.stringify({ data: null, errors: [{ code, message }] });
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Cap-Requestid: ${generateRequestId()}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
