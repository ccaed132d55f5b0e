"use client";

import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { FormActions } from "@/components/ui/form-actions";
import { formatDateTime } from "@/components/ui/format";
import { diffLines, diffStats, prettyJson } from "@/lib/routing/diff";
import type { PolicyVersionView } from "./types";

/** Saved versions, newest first: a diff of any one against the current version, and rollback for admins. */
export function History({
  versions,
  canEdit,
  onRollback,
}: {
  versions: PolicyVersionView[];
  canEdit: boolean;
  onRollback: (version: number) => Promise<string | null>;
}) {
  const current = versions[0];
  const [selected, setSelected] = useState<number | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const shown = versions.find((v) => v.version === selected);

  async function rollback() {
    if (confirming === null) return;
    setPending(true);
    setError(undefined);
    const failure = await onRollback(confirming);
    setPending(false);
    if (failure) return setError(failure);
    setConfirming(null);
    setSelected(null);
  }

  return (
    <Card>
      <CardHeader
        title="Version history"
        description="Every save is a version. Compare one with the current version, or restore it."
      />
      {versions.length === 0 ? (
        <CardBody>
          <p className="text-sm text-muted">No versions yet: this workspace has never saved a policy.</p>
        </CardBody>
      ) : (
        <ul className="divide-y divide-line" data-testid="policy-history">
          {versions.map((v) => (
            <li key={v.version} className="px-4 py-3 sm:px-5">
              <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
                <span className="font-medium">Version {v.version}</span>
                {v === current ? <Badge tone="success">current</Badge> : null}
                <span className="text-xs text-muted">
                  {formatDateTime(v.createdAt)}
                  {v.createdBy ? ` by ${v.createdBy}` : " by the operator"}
                </span>
                {v.note ? <span className="min-w-0 truncate text-xs text-muted">“{v.note}”</span> : null}
                <span className="ml-auto flex gap-2">
                  {v !== current ? (
                    <Button
                      size="sm"
                      variant="secondary"
                      aria-expanded={selected === v.version}
                      onClick={() => setSelected(selected === v.version ? null : v.version)}
                    >
                      {selected === v.version ? "Hide diff" : `Compare v${v.version}`}
                    </Button>
                  ) : null}
                  {canEdit && v !== current ? (
                    <Button size="sm" variant="danger-outline" onClick={() => setConfirming(v.version)}>
                      Roll back to v{v.version}
                    </Button>
                  ) : null}
                </span>
              </div>
              {shown === v && current ? <VersionDiff from={v} to={current} /> : null}
            </li>
          ))}
        </ul>
      )}
      {confirming !== null ? (
        <Dialog
          title={`Roll back to version ${confirming}?`}
          description="Its document is saved as a new version and applied on every instance within seconds."
          onClose={() => setConfirming(null)}
        >
          <FormActions
            error={error}
            onCancel={() => setConfirming(null)}
            pending={pending}
            onConfirm={rollback}
            variant="danger"
          >
            Roll back
          </FormActions>
        </Dialog>
      ) : null}
    </Card>
  );
}

function VersionDiff({ from, to }: { from: PolicyVersionView; to: PolicyVersionView }) {
  const lines = diffLines(prettyJson(from.document), prettyJson(to.document));
  const { added, removed } = diffStats(lines);
  return (
    <div className="mt-3 space-y-2" data-testid="policy-diff">
      <p className="text-xs text-muted">
        From version {from.version} to the current version {to.version}: {removed} line
        {removed === 1 ? "" : "s"} removed, {added} added.
      </p>
      <pre className="max-h-96 overflow-auto rounded-md border border-line bg-subtle py-2 font-mono text-xs leading-5">
        {lines.map((l, i) => (
          <div
            key={i}
            className={cn(
              "px-3 whitespace-pre",
              l.kind === "added" && "bg-success-soft text-success",
              l.kind === "removed" && "bg-danger-soft text-danger",
            )}
          >
            <span aria-hidden="true" className="mr-2 select-none">
              {l.kind === "added" ? "+" : l.kind === "removed" ? "-" : " "}
            </span>
            <span className="sr-only">
              {l.kind === "added" ? "added: " : l.kind === "removed" ? "removed: " : ""}
            </span>
            {l.text}
          </div>
        ))}
      </pre>
    </div>
  );
}
