import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

export const inputClass = cn(
  "block h-10 w-full rounded-md border border-line bg-surface px-3 text-sm text-fg placeholder:text-muted/70",
  "focus:border-accent focus:outline-2 focus:outline-offset-0 focus:outline-accent/30",
  "aria-invalid:border-danger disabled:opacity-60",
);

/** A label above its control, with an optional hint below (linked by aria-describedby). */
export function Field({
  id,
  label,
  hint,
  children,
  className,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={cn("space-y-1.5", className)}>
      <label htmlFor={id} className="block text-sm font-medium text-fg">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={cn(inputClass, className)} {...props} />;
}

export function Select({ className, ...props }: ComponentProps<"select">) {
  return <select className={cn(inputClass, "pr-8", className)} {...props} />;
}
