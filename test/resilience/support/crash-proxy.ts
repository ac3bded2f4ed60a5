// A TCP relay between the load's clients and the server for the crash test. `muteHalf()` stops passing on
// the server's answers on every second open connection (the server has written them; the clients never get
// them), `cut()` drops every connection at once, as the kernel does with a killed process's sockets.
// Muting first widens the window in which a request has committed but its answer is lost, which a bare
// SIGKILL hits only by chance.
import net from "node:net";

export interface CrashProxy {
  url: string;
  muteHalf(): void;
  cut(): void;
  close(): Promise<void>;
}

export async function crashProxy(upstreamPort: number): Promise<CrashProxy> {
  const open = new Set<{ client: net.Socket; upstream: net.Socket; muted: boolean }>();
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, "127.0.0.1");
    const conn = { client, upstream, muted: false };
    open.add(conn);
    client.on("data", (d) => upstream.write(d));
    upstream.on("data", (d) => {
      if (!conn.muted) client.write(d);
    });
    const drop = () => {
      open.delete(conn);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", drop).on("error", drop);
    upstream.on("close", drop).on("error", drop);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    muteHalf() {
      let i = 0;
      for (const c of open) if (i++ % 2 === 0) c.muted = true;
    },
    cut() {
      for (const c of open) {
        c.client.resetAndDestroy();
        c.upstream.destroy();
      }
      open.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
