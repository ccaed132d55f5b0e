import { describe, expect, it } from "vitest";
import { SseParser } from "./sse";

describe("SseParser", () => {
  it("parses named events with LF line ends", () => {
    const p = new SseParser();
    const events = p.push('event: message_start\ndata: {"a":1}\n\nevent: ping\ndata: {}\n\n');
    expect(events).toEqual([
      { event: "message_start", data: '{"a":1}' },
      { event: "ping", data: "{}" },
    ]);
  });

  it("parses CRLF events (Gemini) split across chunks, even inside a CRLF", () => {
    const p = new SseParser();
    const all = [
      ...p.push('data: {"x":'),
      ...p.push('1}\r'),
      ...p.push("\n\r"),
      ...p.push('\ndata: {"y":2}\r\n\r\n'),
    ];
    expect(all).toEqual([{ data: '{"x":1}' }, { data: '{"y":2}' }]);
  });

  it("joins multi-line data, ignores comments and decodes UTF-8 split mid-character", () => {
    const p = new SseParser();
    const bytes = Buffer.from(": keep-alive\ndata: héllo\ndata: wörld\n\n");
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
    const events = [...p.push(bytes.subarray(0, cut)), ...p.push(bytes.subarray(cut))];
    expect(events).toEqual([{ data: "héllo\nwörld" }]);
  });

  it("flushes a last event without a trailing blank line on end()", () => {
    const p = new SseParser();
    expect(p.push("data: [DONE]")).toEqual([]);
    expect(p.end()).toEqual([{ data: "[DONE]" }]);
  });
});
