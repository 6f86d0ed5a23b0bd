import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Catalogue, CatalogueEntry } from '../spec/catalogue.js';
import { REQUIRED_KEYS } from '../spec/catalogue.js';
import { generateRequestId } from './request-id.js';

/**
 * What Node's HTTP parser refuses before Fastify sees a request (headers too large, a broken
 * request line, a client too slow) still gets the envelope and a request id, as Fastify's own
 * handler would answer in its own format. Each answer is a catalogue entry; the message may add
 * what was passed. The connection is closed afterwards, as Node does.
 */
export function clientErrorResponder(catalogue: Catalogue) {
  const invalidInput = catalogue.get(REQUIRED_KEYS.invalidInput);
  const headersTooLarge = catalogue.get(REQUIRED_KEYS.headersTooLarge);
  const requestTimeout = catalogue.get(REQUIRED_KEYS.requestTimeout);
  const answerTo = (error: NodeJS.ErrnoException): { entry: CatalogueEntry; message: string } => {
    if (error.code === 'HPE_HEADER_OVERFLOW') {
      // Node's own limit (16 KB unless --max-http-header-size says otherwise), read, not restated.
      return { entry: headersTooLarge, message: `${headersTooLarge.message} The request line and headers together have at most ${maxHeaderSize} bytes.` };
    }
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { entry: requestTimeout, message: requestTimeout.message };
    return { entry: invalidInput, message: `${invalidInput.message} The request is not valid HTTP.` };
  };
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const { entry, message } = answerTo(error);
    const body = JSON.stringify({ data: null, errors: [{ code: entry.code, message }] });
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${entry.httpStatus} ${STATUS_CODES[entry.httpStatus] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Cap-Requestid: ${generateRequestId()}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
