"use client";

import { createContext, useContext, type ReactNode } from "react";
import { cn } from "@/components/ui/cn";
import { pathKey, type Path } from "./policy-doc";

/** Validation messages by path and whether the form is read-only, for every field of the policy form. */
export const FormContext = createContext<{ issues: Map<string, string[]>; readOnly: boolean }>({
  issues: new Map(),
  readOnly: false,
});

export const fieldId = (path: Path) => `policy-${pathKey(path).replace(/[^A-Za-z0-9]+/g, "-")}`;

/** Whether any issue sits at `path` or below it. */
export function useIssuesUnder(path: Path): boolean {
  const { issues } = useContext(FormContext);
  const key = pathKey(path);
  for (const p of issues.keys())
    if (p === key || p.startsWith(`${key}.`) || p.startsWith(`${key}[`)) return true;
  return false;
}

/** The messages at exactly `path`, shown under the field (linked by aria-describedby). */
export function FieldErrors({ path }: { path: Path }) {
  const { issues } = useContext(FormContext);
  const messages = issues.get(pathKey(path));
  if (!messages?.length) return null;
  return (
    <p id={`${fieldId(path)}-error`} data-testid="field-error" className="text-xs text-danger">
      {messages.join("; ")}
    </p>
  );
}

/**
 * A labelled control for the value at `path`: `children` gets the id and aria attributes to spread on the control.
 */
export function PolicyField({
  path,
  label,
  hint,
  className,
  children,
}: {
  path: Path;
  label: ReactNode;
  hint?: ReactNode;
  className?: string;
  children: (a: {
    id: string;
    "aria-invalid"?: true;
    "aria-describedby"?: string;
    disabled: boolean;
  }) => ReactNode;
}) {
  const { issues, readOnly } = useContext(FormContext);
  const id = fieldId(path);
  const invalid = (issues.get(pathKey(path))?.length ?? 0) > 0;
  return (
    <div className={cn("min-w-0 space-y-1", className)}>
      <label htmlFor={id} className="block text-xs font-medium text-fg">
        {label}
      </label>
      {children({
        id,
        ...(invalid ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {}),
        disabled: readOnly,
      })}
      {hint ? <p className="text-xs text-muted">{hint}</p> : null}
      <FieldErrors path={path} />
    </div>
  );
}
