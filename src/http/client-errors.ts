import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Catalogue, CatalogueEntry } from '../contract/catalogue.js';
import { REQUIRED_KEYS } from '../contract/catalogue.js';
import { generateRequestId } from './request-id.js';
import { MAX_URL_LENGTH, urlTooLongMessage } from './url-limits.js';

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
  const uriTooLong = catalogue.get(REQUIRED_KEYS.uriTooLong);
  const answerTo = (error: NodeJS.ErrnoException & { rawPacket?: unknown }): { entry: CatalogueEntry; message: string } => {
    if (error.code === 'HPE_HEADER_OVERFLOW') {
      // Node counts the request line with the headers: a URL past 16 KB overflows it before the
      // sandbox's own URL check could run, and is still a URL too long, not headers too large.
      if ((urlLengthOfRequestLine(error.rawPacket) ?? 0) > MAX_URL_LENGTH) return { entry: uriTooLong, message: urlTooLongMessage(uriTooLong) };
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
    // Not over an answer already begun (one sent before the body was whole): as Node itself does.
    if (socket.writable && !answerBegun(socket)) {
      socket.write(
        `HTTP/1.1 ${entry.httpStatus} ${STATUS_CODES[entry.httpStatus] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Cap-Requestid: ${generateRequestId()}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}

/** Whether Node has started writing an answer on this socket (its own check, on its own field). */
function answerBegun(socket: Socket): boolean {
  return (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage?.headersSent === true;
}

const SPACE = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const LONGEST_METHOD = 20;
const METHOD = /^[A-Z]+$/;

/**
 * The length of the URL in the request line the bytes Node's parser stopped in begin with: up to
 * the space before the HTTP version, or to the end of the bytes when the line had not ended yet.
 * Undefined when they do not begin with a request line (a request that came in small pieces, whose
 * start was parsed earlier: then the parser cannot say, and the answer stays 431).
 */
function urlLengthOfRequestLine(packet: unknown): number | undefined {
  if (!Buffer.isBuffer(packet)) return undefined;
  const afterMethod = packet.subarray(0, LONGEST_METHOD + 1).indexOf(SPACE);
  if (afterMethod < 1 || !METHOD.test(packet.toString('latin1', 0, afterMethod))) return undefined;
  const ends = [SPACE, CR, LF].map((byte) => packet.indexOf(byte, afterMethod + 1)).filter((index) => index !== -1);
  return Math.min(packet.length, ...ends) - afterMethod - 1;
}
