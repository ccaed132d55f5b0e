import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy";

/** An echo server: what a client writes comes back. */
async function echoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** Connects, writes `text`, resolves with the echo; rejects (or resolves "closed") when the proxy drops it. */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => s.write(text));
    s.once("data", (d) => {
      s.destroy();
      resolve(d.toString());
    });
    s.once("error", reject);
    s.once("close", () => resolve("closed"));
  });
}

describe("tcp proxy", () => {
  let proxy: TcpProxy | undefined;
  let echo: Awaited<ReturnType<typeof echoServer>> | undefined;
  afterEach(async () => {
    await proxy?.close();
    await echo?.close();
  });

  it("passes bytes through, drops open connections and refuses new ones while down, then accepts again", async () => {
    echo = await echoServer();
    proxy = await startTcpProxy({ host: "127.0.0.1", port: echo.port });
    expect(await roundTrip(proxy.port, "hello")).toBe("hello");

    const open = net.connect(proxy.port, "127.0.0.1");
    await new Promise((r) => open.once("connect", r));
    await new Promise((r) => setTimeout(r, 20));
    expect(proxy.connections()).toBe(1);
    const dropped = new Promise((r) => open.once("close", r));
    const outage = proxy.down(150);
    await dropped; // the open connection is cut at once
    expect(await roundTrip(proxy.port, "refused?")).toBe("closed");
    await outage;
    expect(proxy.isDown()).toBe(false);
    expect(await roundTrip(proxy.port, "back")).toBe("back");
  });
});
