// Where things are in a JSON text the user typed: the line each value starts on, by path (the format of
// policyIssues, "rules[0].strategy"), and the line and column of the first syntax error. A small scanner, not a
// parser: values themselves come from JSON.parse; this only follows the structure to count lines.

export type JsonLocation =
  { ok: true; lines: Map<string, number> } | { ok: false; line: number; column: number; message: string };

class SyntaxFault extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

export function locateJson(text: string): JsonLocation {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  let lineStart = 0;

  const ws = () => {
    while (i < text.length) {
      const c = text[i]!;
      if (c === "\n") {
        line++;
        lineStart = i + 1;
      } else if (c !== " " && c !== "\t" && c !== "\r") break;
      i++;
    }
  };
  const fail = (message: string): never => {
    throw new SyntaxFault(message, i);
  };
  const expectChar = (c: string) => {
    if (text[i] !== c) fail(text[i] === undefined ? `expected "${c}" before the end` : `expected "${c}"`);
    i++;
  };
  const str = (): string => {
    expectChar('"');
    const start = i;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\n") fail("unterminated string");
      i += text[i] === "\\" ? 2 : 1;
    }
    if (i >= text.length) fail("unterminated string");
    const raw = text.slice(start, i);
    i++;
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return raw;
    }
  };
  const value = (path: string) => {
    ws();
    lines.set(path, line);
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      for (;;) {
        ws();
        const key = str();
        ws();
        expectChar(":");
        value(path ? `${path}.${key}` : key);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        expectChar("}");
        return;
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        expectChar("]");
        return;
      }
    }
    if (c === '"') return void str();
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) fail(c === undefined ? "unexpected end of the document" : `unexpected "${c}"`);
    i += m![0].length;
  };

  try {
    value("");
    ws();
    if (i < text.length) fail(`unexpected "${text[i]}" after the document`);
    return { ok: true, lines };
  } catch (err) {
    if (!(err instanceof SyntaxFault)) throw err;
    return { ok: false, line, column: err.at - lineStart + 1, message: err.message };
  }
}
