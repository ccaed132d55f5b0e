// Hostile and broken clients against a running gateway (helpers/relay.ts) behind a node server with the app's
// limits (lib/http/server-limits.ts, shortened): malformed JSON, wrong types, invalid UTF-8, an oversized body
// (413), huge headers (431 from node), a client trickling its body (408 from node), a burst of invalid keys.
// Every JSON answer is OpenAI's error shape with no stack trace.
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { applyServerLimits } from "@/lib/http/server-limits";
import { startRelay, type Relay } from "./helpers/relay";

describe("bad input", () => {
  let relay: Relay;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    relay = await startRelay();
    server = http.createServer({ connectionsCheckingInterval: 100 }, relay.gateway.handle);
    applyServerLimits(server, { headersTimeoutMs: 500, requestTimeoutMs: 800, keepAliveTimeoutMs: 1_000 });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await relay?.close();
  });

  async function post(body: BodyInit, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}/api/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${relay.key}`, "content-type": "application/json", ...headers },
      body,
    });
    const text = await res.text();
    return { status: res.status, text, json: JSON.parse(text) as { error: Record<string, unknown> } };
  }

  function expectOpenAIError(r: { text: string; json: { error: Record<string, unknown> } }, code: string) {
    expect(Object.keys(r.json)).toEqual(["error"]);
    expect(Object.keys(r.json.error).sort()).toEqual(["code", "message", "param", "type"]);
    expect(r.json.error.code).toBe(code);
    expect(r.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  }

  it("malformed JSON is a 400", async () => {
    for (const body of ["{", "{'model': 1}", "[1,2", "null x", "\u0000"]) {
      const r = await post(body);
      expect(r.status, body).toBe(400);
      expectOpenAIError(r, "invalid_request");
    }
  });

  it("wrong types are a 400 naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ model: 42, messages: [] }, "model"],
      [{ model: "gpt-test", messages: "hi" }, "messages"],
      [{ model: "gpt-test", messages: [{ role: "user", content: "x" }], max_tokens: "ten" }, "max_tokens"],
      [{ model: "gpt-test", messages: [{ role: "wizard", content: "x" }] }, "messages"],
      [[1, 2, 3], ""],
    ];
    for (const [body, param] of cases) {
      const r = await post(JSON.stringify(body));
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(String(r.json.error.param ?? "")).toContain(param);
      expect(r.text).not.toMatch(/\n\s+at /);
    }
  });

  it("invalid UTF-8 in a body is read as replacement characters, never a crash", async () => {
    const bad = Buffer.concat([
      Buffer.from('{"model":"gpt-test","messages":[{"role":"user","content":"'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]),
      Buffer.from('"}]}'),
    ]);
    const r = await post(bad);
    expect(r.status).toBe(200);
    const broken = await post(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(broken.status).toBe(400);
    expectOpenAIError(broken, "invalid_request");
  });

  it("a body over MAX_BODY_BYTES is a 413, declared or streamed", async () => {
    const max = env().MAX_BODY_BYTES;
    const big = JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "x".repeat(max) }] });
    const r = await post(big);
    expect(r.status).toBe(413);
    expectOpenAIError(r, "payload_too_large");
    // Without a Content-Length (chunked), cut off while reading.
    const chunked = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      // A fresh socket (no keep-alive pool) with its own error listener: the server resets the connection while
      // the body is still being written, and that reset must not surface as an uncaught socket error.
      const req = http.request(`${base}/api/v1/chat/completions`, {
        method: "POST",
        agent: false,
        headers: { authorization: `Bearer ${relay.key}`, "content-type": "application/json" },
      });
      req.on("socket", (socket) => socket.on("error", () => {}));
      req.on("response", (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode!, text }));
      });
      req.on("error", reject);
      // The server answers 413 and closes mid-body: later writes fail, which the callback absorbs.
      for (let i = 0; i < 8; i++) req.write(Buffer.alloc(Math.ceil(max / 4), 0x20), () => {});
      req.end();
    });
    expect(chunked.status).toBe(413);
  });

  it("huge headers get node's 431", async () => {
    const res = await rawRequest(
      `POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\nContent-Length: 2\r\n\r\n{}`,
    );
    expect(res).toMatch(/^HTTP\/1\.1 431 /);
  });

  it("a client trickling its headers or body is cut off by the server's timeouts", async () => {
    const headersOnly = await rawRequest("POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\n", {
      hold: true,
    });
    expect(headersOnly).toMatch(/^HTTP\/1\.1 408 |^$/);
    const slowBody = await rawRequest(
      `POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${relay.key}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"model":`,
      { hold: true },
    );
    // The server ended the exchange (408, or the relay's 400 for the truncated body) instead of waiting forever.
    expect(slowBody).toMatch(/^HTTP\/1\.1 (408|400) |^$/);
  });

  it("a burst of invalid keys is refused with 401 every time", async () => {
    const keys = ["sk-sy-" + "A".repeat(43), "sk-sy-short", "Bearer", "x".repeat(5000)];
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        fetch(`${base}/api/v1/models`, {
          headers: { authorization: `Bearer ${keys[i % keys.length]}` },
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error: { code: string } } })),
      ),
    );
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([401]));
    expect(new Set(results.map((r) => r.body.error.code))).toEqual(new Set(["invalid_api_key"]));
  });

  /** Sends raw bytes; returns what the server answered before closing (or "" when it just closed). */
  function rawRequest(data: string, opts: { hold?: boolean } = {}): Promise<string> {
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1");
      let got = "";
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`server kept the connection open: ${got.slice(0, 100)}`));
      }, 10_000);
      socket.on("data", (c) => (got += c.toString("latin1")));
      socket.on("close", () => {
        clearTimeout(timer);
        resolve(got);
      });
      socket.on("error", () => {});
      socket.write(data, () => {}); // a reset by the server surfaces as "close", not as an uncaught error
      if (!opts.hold) socket.end();
    });
  }
});
