// Incremental server-sent events parser (the WHATWG event-stream format): bytes in as they arrive, complete events
// out. Handles LF, CRLF and CR line ends (Gemini sends CRLF), multi-line data, comments and events split across
// network chunks. No buffering beyond the current incomplete event.
import { StringDecoder } from "node:string_decoder";
import type { SseEvent } from "./providers/types";

export class SseParser {
  private readonly decoder = new StringDecoder("utf8");
  private buffer = "";
  private event: string | undefined;
  private data: string[] = [];

  /** Feeds bytes; returns the events completed by them. */
  push(chunk: Buffer | string): SseEvent[] {
    this.buffer += typeof chunk === "string" ? chunk : this.decoder.write(chunk);
    const out: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const lf = this.buffer.indexOf("\n", start);
      const cr = this.buffer.indexOf("\r", start);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A CR at the very end may be the first half of a CRLF: wait for more.
        if (cr === this.buffer.length - 1) break;
        end = cr;
        next = this.buffer[cr + 1] === "\n" ? cr + 2 : cr + 1;
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else break;
      this.line(this.buffer.slice(start, end), out);
      start = next;
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  /** Flushes a final event that was not followed by a blank line. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    const rest = this.buffer + this.decoder.end();
    this.buffer = "";
    if (rest) this.line(rest, out);
    this.line("", out);
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === "") {
      if (this.data.length > 0) {
        out.push(this.event === undefined ? { data: this.data.join("\n") } : { event: this.event, data: this.data.join("\n") });
      }
      this.event = undefined;
      this.data = [];
      return;
    }
    if (line.startsWith(":")) return; // comment / keep-alive
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    // id and retry are irrelevant to a relay.
  }
}

/** Serializes one SSE data event. */
export function sseData(json: unknown): string {
  return `data: ${JSON.stringify(json)}\n\n`;
}

export const SSE_DONE = "data: [DONE]\n\n";
