import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";

/**
 * A TCP proxy in front of the shared PostgreSQL, so one test's server loses its database while
 * PostgreSQL itself (and every other test's connections) stays up. `cut()`: every connection is
 * dropped and new ones are reset at once (a stopped server); `stall()`: connections stay open and
 * nothing answers (a hung server or a dropped network path); `restore()`: forwarding again.
 */
export interface PostgresProxy {
  /** `databaseUrl` with its host and port replaced by the proxy's. */
  urlFor(databaseUrl: string): string;
  cut(): void;
  stall(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function postgresProxy(upstreamPort = 5432, upstreamHost = "127.0.0.1"): Promise<PostgresProxy> {
  let mode: "forwarding" | "cut" | "stalled" = "forwarding";
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  };
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  const server = createServer((client) => {
    track(client);
    if (mode === "cut") return void client.destroy();
    if (mode === "stalled") return; // accepted, never answered
    const upstream = connect(upstreamPort, upstreamHost);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const port = address.port;
  return {
    urlFor(databaseUrl) {
      const url = new URL(databaseUrl);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    cut() {
      mode = "cut";
      dropAll();
    },
    stall() {
      mode = "stalled";
      // Open connections stop carrying bytes in either direction; the peers are not told.
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    restore() {
      // Stalled connections are past saving (their clients gave up on them): reset, as a failover would.
      if (mode === "stalled") dropAll();
      mode = "forwarding";
    },
    async close() {
      mode = "cut";
      dropAll();
      server.close();
      await once(server, "close");
    },
  };
}
