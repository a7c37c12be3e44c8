import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Answers a connection that never became (or is no longer) a Koa request: a malformed request the
 * HTTP parser refused, or a WebSocket upgrade we will not take. Writes one short response with the
 * error envelope, then closes once it is flushed, so a client that never hangs up cannot keep the
 * socket. A socket that is already dead is just destroyed. Never throws.
 */
export function refuseRawHttp(socket: Duplex, status: number, message = STATUS_CODES[status] ?? 'Refused'): void {
  try {
    if (socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ success: false, error: { code: codeFor(status), message } });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    // The HTTP server keeps sockets half-open after our FIN: close the socket once the answer is out.
    if (socket.writableFinished) socket.destroy();
    else socket.once('finish', () => socket.destroy());
  } catch {
    socket.destroy();
  }
}

/**
 * The HTTP server's `clientError` handler: the parser refused the bytes (bad request line, header
 * too large, binary garbage) or the client timed out. 431 for oversized headers, 408 for a timeout,
 * 400 otherwise. A reset socket, or one whose response has already started, is just closed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Keep a late error on this socket (a reset while we answer) from becoming an uncaught exception.
  if (socket.listenerCount('error') === 0) socket.on('error', () => socket.destroy());
  const responseStarted = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (error.code === 'ECONNRESET' || responseStarted) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  refuseRawHttp(socket, status, status === 431 ? 'Request headers too large' : status === 408 ? 'Request timeout' : 'Malformed request');
}

// The same stable codes as api/http/errors.ts's codeForStatus (src/runtime cannot import api/).
function codeFor(status: number): string {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 404) return 'NOT_FOUND';
  if (status >= 400 && status < 500) return 'VALIDATION_ERROR';
  return 'SERVER_ERROR';
}
