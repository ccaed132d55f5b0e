// A TCP proxy on 127.0.0.1 between the soak's Switchyard instances and a shared service (PostgreSQL, Redis), so
// the soak can take the service "down" without touching the real one that other people use:
//   outage(ms): every open connection is destroyed at once, new connections are refused (accepted and destroyed
//   immediately, which a client sees as a reset) for `ms`, then traffic flows again. From the instances' side this
//   looks like the service restarting.
import net from "node:net";

export interface TcpProxy {
  port: number;
  /** Open client connections right now. */
  connections(): number;
  /** Drops everything and refuses new connections until `up()` (or for `ms`, when given). */
  down(ms?: number): Promise<void>;
  up(): void;
  isDown(): boolean;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let down = false;

  const server = net.createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });

  const proxy: TcpProxy = {
    port: (server.address() as net.AddressInfo).port,
    connections: () => [...open].length / 2,
    isDown: () => down,
    async down(ms) {
      down = true;
      for (const s of open) s.destroy();
      open.clear();
      if (ms !== undefined) {
        await new Promise((r) => setTimeout(r, ms));
        proxy.up();
      }
    },
    up() {
      down = false;
    },
    async close() {
      for (const s of open) s.destroy();
      open.clear();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return proxy;
}
