import { connect, type Socket } from "node:net";
import type { TestApp } from "../../support/test-app.js";

/** A raw client socket and everything the server wrote to it, settled when the server closes it. */
export interface RawConnection {
  socket: Socket;
  /** What the server sent so far. */
  received(): string;
  /** Resolves with what the server sent once the connection is closed (by either side). */
  closed: Promise<string>;
  isClosed(): boolean;
}

/** Opens a TCP connection to the listening app and optionally writes `data` (a half-sent request…). */
export function openConnection(port: number, data?: string): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" });
    let text = "";
    let isClosed = false;
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
    });
    // A reset is how a server drops a connection over its cap: a close like any other here.
    socket.on("error", () => {});
    const closed = new Promise<string>((settle) =>
      socket.on("close", () => {
        isClosed = true;
        settle(text);
      }),
    );
    socket.once("connect", () => {
      if (data !== undefined) socket.write(data);
      resolve({ socket, received: () => text, closed, isClosed: () => isClosed });
    });
    socket.once("error", reject);
  });
}

/** Listens on a free port of 127.0.0.1 and returns it. */
export async function listen(t: TestApp): Promise<number> {
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  const address = t.app.server.address();
  if (address === null || typeof address === "string") throw new Error("not listening on a port");
  return address.port;
}

/** One complete request over a fresh connection; resolves with the raw response once the server closes. */
export async function rawRequest(port: number, request: string): Promise<string> {
  const connection = await openConnection(port, request);
  return connection.closed;
}

/** Splits a raw HTTP/1.1 response into its status, headers and body. */
export function parseResponse(raw: string): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const [head = "", ...rest] = raw.split("\r\n\r\n");
  const [statusLine = "", ...headerLines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1]), headers, body: rest.join("\r\n\r\n") };
}

/** The log lines at level error (50) or above. */
export function errorLines(logs: string[]): string[] {
  return logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
}
