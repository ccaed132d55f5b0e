"use client";

import { useContext, useId } from "react";
import { FormContext } from "./field";
import { locateJson } from "./json-locate";

/**
 * The JSON view of the policy: a plain textarea, and below it every problem with its line (syntax errors first,
 * then the schema's issues located by path).
 */
export function JsonView({
  text,
  onChange,
  issues,
}: {
  text: string;
  onChange: (text: string) => void;
  issues: ReadonlyArray<{ path: string; message: string }>;
}) {
  const { readOnly } = useContext(FormContext);
  const id = useId();
  const located = locateJson(text);
  const lineOf = (path: string): number | undefined => {
    if (!located.ok) return undefined;
    // The issue may name a key that is missing: point at the nearest enclosing value.
    for (let p = path; ; p = p.replace(/(\.[^.[\]]+|\[\d+\])$/, "")) {
      const line = located.lines.get(p);
      if (line !== undefined || p === "") return line;
    }
  };
  const lineCount = text.split("\n").length;
  return (
    <div className="space-y-3">
      <label htmlFor={id} className="block text-sm font-medium">
        Policy document (JSON)
      </label>
      <div className="flex overflow-hidden rounded-md border border-line bg-subtle focus-within:border-accent">
        <pre
          aria-hidden="true"
          className="select-none border-r border-line px-2 py-2 text-right font-mono text-xs leading-5 text-muted"
        >
          {Array.from({ length: lineCount }, (_, i) => i + 1).join("\n")}
        </pre>
        <textarea
          id={id}
          data-testid="policy-json"
          value={text}
          readOnly={readOnly}
          spellCheck={false}
          rows={Math.min(Math.max(lineCount, 12), 40)}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={!located.ok || issues.length > 0 || undefined}
          className="min-w-0 flex-1 resize-y bg-transparent px-3 py-2 font-mono text-xs leading-5 text-fg outline-none"
        />
      </div>
      {!located.ok ? (
        <ul data-testid="json-issues" className="space-y-1 text-sm text-danger">
          <li>
            Line {located.line}, column {located.column}: {located.message}
          </li>
        </ul>
      ) : issues.length ? (
        <ul data-testid="json-issues" className="space-y-1 text-sm text-danger">
          {issues.map((i, n) => {
            const line = lineOf(i.path);
            return (
              <li key={n}>
                {line !== undefined ? `Line ${line}, ` : ""}
                <code className="font-mono text-xs">{i.path || "(document)"}</code>: {i.message}
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
