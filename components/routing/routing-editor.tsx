"use client";

import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { callApi } from "@/components/ui/api";
import { prettyJson } from "@/lib/routing/diff";
import { policyIssues } from "@/lib/routing/policy";
import { FormContext } from "./field";
import { History } from "./history";
import { JsonView } from "./json-view";
import { issuesByPath, type Json } from "./policy-doc";
import { PolicyForm } from "./policy-form";
import { Simulator } from "./simulator";
import type { ModelOption, RoutingState } from "./types";

const EMPTY: Json = { rules: [] };

/**
 * The routing page's client island: the policy as a form or as JSON (one document, validated on every change by
 * the relay's own schema), saving (admins), the simulator and the version history.
 */
export function RoutingEditor({
  slug,
  canEdit,
  models,
  initial,
}: {
  slug: string;
  canEdit: boolean;
  models: ModelOption[];
  initial: RoutingState;
}) {
  const [state, setState] = useState(initial);
  const [doc, setDoc] = useState<Json>((initial.policy as Json) ?? EMPTY);
  const [mode, setMode] = useState<"form" | "json">("form");
  const [text, setText] = useState(() => prettyJson(doc));
  const [syntaxError, setSyntaxError] = useState(false);
  const [note, setNote] = useState("");
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const [applied, setApplied] = useState<string>();

  const issues = useMemo(() => policyIssues(doc), [doc]);
  const byPath = useMemo(() => issuesByPath(issues), [issues]);
  const saved = prettyJson((state.policy as Json) ?? EMPTY);
  const dirty = prettyJson(doc) !== saved;

  function edit(next: Json) {
    setDoc(next);
    setApplied(undefined);
  }

  function onText(next: string) {
    setText(next);
    setApplied(undefined);
    try {
      setDoc(JSON.parse(next) as Json);
      setSyntaxError(false);
    } catch {
      setSyntaxError(true);
    }
  }

  function switchTo(next: "form" | "json") {
    if (next === mode) return;
    if (next === "json") setText(prettyJson(doc));
    setMode(next);
  }

  /** Reloads the policy and its versions after a change; the form then shows the document as stored. */
  async function reload(message: string) {
    const res = await callApi<RoutingState>("GET", `/api/workspaces/${slug}/routing`);
    if (res.ok) {
      setState(res.data);
      const stored = (res.data.policy as Json) ?? EMPTY;
      setDoc(stored);
      setText(prettyJson(stored));
      setSyntaxError(false);
    }
    setApplied(message);
  }

  async function onSave() {
    setSaving(true);
    setSaveError(undefined);
    const res = await callApi<{ version: number }>("PUT", `/api/workspaces/${slug}/routing`, {
      policy: doc,
      ...(note.trim() ? { note: note.trim() } : {}),
    });
    setSaving(false);
    if (!res.ok) return setSaveError(res.message);
    setNote("");
    await reload(`Applied: version ${res.data.version} is in force on every instance.`);
  }

  async function onRollback(version: number): Promise<string | null> {
    const res = await callApi<{ version: number }>("POST", `/api/workspaces/${slug}/routing/rollback`, {
      version,
    });
    if (!res.ok) return res.message;
    await reload(
      `Applied: version ${version} restored as version ${res.data.version}, in force on every instance.`,
    );
    return null;
  }

  const blocked = syntaxError || issues.length > 0;
  return (
    <div className="space-y-6">
      {!canEdit ? (
        <p
          data-testid="read-only-note"
          className="rounded-md border border-line bg-subtle px-4 py-3 text-sm text-muted"
        >
          You can view the routing policy and try the simulator. Only owners and admins can change the policy.
        </p>
      ) : null}
      <Card>
        <CardHeader
          title="Policy"
          description={
            state.version === null
              ? "This workspace has no policy of its own yet: the platform default applies."
              : `Version ${state.version} is in force.`
          }
          actions={
            <div role="tablist" aria-label="Editor view" className="flex rounded-md border border-line p-0.5">
              {(["form", "json"] as const).map((m) => (
                <button
                  key={m}
                  role="tab"
                  type="button"
                  aria-selected={mode === m}
                  disabled={m === "form" && syntaxError}
                  title={m === "form" && syntaxError ? "Fix the JSON syntax first" : undefined}
                  onClick={() => switchTo(m)}
                  className={cn(
                    "rounded px-3 py-1 text-sm font-medium disabled:opacity-50",
                    mode === m ? "bg-accent-soft text-accent" : "text-muted hover:text-fg",
                  )}
                >
                  {m === "form" ? "Form" : "JSON"}
                </button>
              ))}
            </div>
          }
        />
        <CardBody className="space-y-4">
          <FormContext.Provider value={{ issues: byPath, readOnly: !canEdit }}>
            {mode === "form" ? (
              <>
                {issues.length > 0 ? (
                  <div
                    data-testid="policy-issues"
                    className="rounded-md border border-danger/30 bg-danger-soft px-3 py-2 text-sm text-danger"
                  >
                    <p className="font-medium">
                      {issues.length} problem{issues.length === 1 ? "" : "s"} to fix before saving:
                    </p>
                    <ul className="mt-1 list-disc pl-5">
                      {issues.map((i, n) => (
                        <li key={n}>
                          <code className="font-mono text-xs">{i.path || "(document)"}</code>: {i.message}
                        </li>
                      ))}
                    </ul>
                  </div>
                ) : null}
                <PolicyForm doc={doc} onChange={edit} models={models} />
              </>
            ) : (
              <JsonView text={text} onChange={onText} issues={syntaxError ? [] : issues} />
            )}
          </FormContext.Provider>

          {canEdit ? (
            <div className="space-y-3 border-t border-line pt-4">
              <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
                <Field id="policy-note" label="Note (optional)" className="flex-1">
                  <Input
                    id="policy-note"
                    value={note}
                    maxLength={500}
                    placeholder="What changed and why"
                    onChange={(e) => setNote(e.target.value)}
                  />
                </Field>
                <div className="flex gap-2">
                  <Button
                    variant="secondary"
                    disabled={!dirty || saving}
                    onClick={() => {
                      const stored = (state.policy as Json) ?? EMPTY;
                      setDoc(stored);
                      setText(prettyJson(stored));
                      setSyntaxError(false);
                    }}
                  >
                    Discard changes
                  </Button>
                  <Button onClick={onSave} disabled={!dirty || blocked || saving}>
                    Save policy
                  </Button>
                </div>
              </div>
              {blocked && dirty ? (
                <p className="text-xs text-danger">Fix the problems above to save.</p>
              ) : null}
              <FormError message={saveError} />
              {applied ? (
                <p role="status" data-testid="policy-applied" className="text-sm text-success">
                  {applied}
                </p>
              ) : null}
            </div>
          ) : null}
        </CardBody>
      </Card>

      <Simulator slug={slug} models={models} />
      <History versions={state.versions} canEdit={canEdit} onRollback={onRollback} />
    </div>
  );
}
