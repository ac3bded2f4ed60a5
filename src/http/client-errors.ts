// Requests that Node's HTTP parser refuses before Koa sees them (headers beyond the 16 KB limit, a request
// line or header that is not HTTP, a request that took too long to arrive) are answered like every other
// refusal: a 4xx with {"error": {"code", "message"}}, instead of Node's bare status line.
import http from "node:http";
import type { Duplex } from "node:stream";

const ANSWERS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, "REQUEST.HEADERS_TOO_LARGE", "请求头或地址过长"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "REQUEST.TIMEOUT", "请求超时，请重试"],
};
const MALFORMED: [number, string, string] = [400, "REQUEST.MALFORMED", "请求格式有误"];

export function answerClientErrors(server: http.Server): void {
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection reset, or a socket already answered, has no one left to read an answer.
    if (err.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code, message] = ANSWERS[err.code ?? ""] ?? MALFORMED;
    const body = JSON.stringify({ error: { code, message } });
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
