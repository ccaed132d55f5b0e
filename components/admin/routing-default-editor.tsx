"use client";

import { useMemo, useState } from "react";
import { policyIssues } from "@/lib/routing/policy";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, Input, inputClass } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { cn } from "@/components/ui/cn";
import { useApiForm } from "./use-api-form";

interface Version {
  version: number;
  at: string;
  by: string;
  note: string | null;
  document: string;
}

/** The issues of the text as typed: JSON syntax first, then the relay's own schema (policyIssues). */
function check(text: string): { document?: unknown; issues: { path: string; message: string }[] } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    return { issues: [{ path: "", message: `Not valid JSON: ${(err as Error).message}` }] };
  }
  return { document, issues: policyIssues(document) };
}

export function RoutingDefaultEditor({
  initial,
  saved,
  versions,
}: {
  initial: string;
  saved: boolean;
  versions: Version[];
}) {
  const [text, setText] = useState(initial);
  const [note, setNote] = useState("");
  const [viewing, setViewing] = useState<number | null>(null);
  const form = useApiForm();
  const { document, issues } = useMemo(() => check(text), [text]);

  async function save() {
    if (issues.length) return;
    await form.send("PUT", "/api/admin/routing", { document, note: note || undefined }, () => setNote(""));
  }

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title={saved ? `Version ${versions[0]?.version ?? ""} in force` : "No platform policy saved yet"}
          description={
            saved
              ? "Edit the JSON and save a new version."
              : "Shown: the built-in default (priority order over every deployment). Save it to start a history."
          }
        />
        <CardBody className="space-y-4">
          <Field id="policy-json" label="Policy (JSON)">
            <textarea
              id="policy-json"
              value={text}
              onChange={(e) => setText(e.target.value)}
              spellCheck={false}
              rows={16}
              aria-invalid={issues.length ? true : undefined}
              aria-describedby="policy-issues"
              className={cn(inputClass, "h-auto py-2 font-mono text-xs leading-relaxed")}
            />
          </Field>
          <div id="policy-issues" aria-live="polite">
            {issues.length ? (
              <ul
                data-testid="policy-issues"
                className="space-y-1 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger"
              >
                {issues.map((i, n) => (
                  <li key={n}>
                    <code className="font-mono text-xs">{i.path || "(document)"}</code>: {i.message}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-success">Valid policy.</p>
            )}
          </div>
          <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
            <Field id="policy-note" label="Note (optional)" className="flex-1">
              <Input
                id="policy-note"
                value={note}
                onChange={(e) => setNote(e.target.value)}
                maxLength={200}
              />
            </Field>
            <Button onClick={save} disabled={form.pending || issues.length > 0}>
              Save new version
            </Button>
          </div>
          <FormError message={form.error} />
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="History"
          description="Rolling back saves the older document as the newest version."
        />
        {versions.length === 0 ? (
          <CardBody>
            <p className="text-sm text-muted">No versions yet.</p>
          </CardBody>
        ) : (
          <ul className="divide-y divide-line">
            {versions.map((v, i) => (
              <li key={v.version} className="space-y-2 px-4 py-3 text-sm sm:px-5">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <div className="min-w-0">
                    <p className="font-medium">
                      Version {v.version}
                      {i === 0 ? <span className="ml-2 text-xs text-success">in force</span> : null}
                    </p>
                    <p className="text-xs text-muted">
                      {v.at} · {v.by}
                      {v.note ? ` · “${v.note}”` : ""}
                    </p>
                  </div>
                  <div className="flex gap-2">
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-expanded={viewing === v.version}
                      onClick={() => setViewing(viewing === v.version ? null : v.version)}
                    >
                      {viewing === v.version ? "Hide" : "View"}
                    </Button>
                    {i === 0 ? null : (
                      <Button
                        size="sm"
                        variant="secondary"
                        disabled={form.pending}
                        onClick={() =>
                          form.send("POST", "/api/admin/routing/rollback", { version: v.version }, () =>
                            setText(v.document),
                          )
                        }
                      >
                        Roll back to this
                      </Button>
                    )}
                  </div>
                </div>
                {viewing === v.version ? (
                  <pre className="overflow-x-auto rounded-md bg-code p-3 font-mono text-xs text-code-fg">
                    {v.document}
                  </pre>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
