// The Node HTTP server the app listens on, with limits Node leaves loose by default (issue 13 item 17): a
// request whose headers or body trickle in is cut off (408 REQUEST.TIMEOUT) instead of holding a connection
// for minutes, and the number of open connections per process is capped (beyond it Node closes new ones).
import http from "node:http";
import type { Config } from "../config";
import { answerClientErrors } from "./client-errors";

type Limits = Pick<Config, "HTTP_REQUEST_TIMEOUT_MS" | "HTTP_HEADERS_TIMEOUT_MS" | "HTTP_MAX_CONNECTIONS">;

export function createHttpServer(handler: http.RequestListener, config: Limits): http.Server {
  const requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  const server = http.createServer(
    {
      requestTimeout,
      // Node requires headersTimeout <= requestTimeout.
      headersTimeout: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, requestTimeout),
      // How often Node looks for expired requests (default 30 s, which would stretch every timeout by up to that).
      connectionsCheckingInterval: Math.min(1000, requestTimeout),
    },
    handler,
  );
  server.maxConnections = config.HTTP_MAX_CONNECTIONS;
  answerClientErrors(server);
  return server;
}
