import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

export const inputClass = cn(
  "block h-10 w-full rounded-md border border-line bg-surface px-3 text-sm text-fg placeholder:text-muted/70",
  "focus:border-accent focus:outline-2 focus:outline-offset-0 focus:outline-accent/30",
  "aria-invalid:border-danger disabled:opacity-60",
);

/** A message under one field (its id is `${id}-error`, for the control's aria-describedby). */
export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={`${id}-error`} data-testid="field-error" className="text-xs text-danger">
      {message}
    </p>
  );
}

/** A label above its control, then the field's error and an optional hint below (ids `${id}-error`, `${id}-hint`). */
export function Field({
  id,
  label,
  hint,
  error,
  children,
  className,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={cn("space-y-1.5", className)}>
      <label htmlFor={id} className="block text-sm font-medium text-fg">
        {label}
      </label>
      {children}
      <FieldError id={id} message={error} />
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

/** What InputField and SelectField take besides the control's own props; `className` styles the wrapper. */
interface LabelledProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  /** Marks the control invalid (the message is shown elsewhere, e.g. in the form's FormError). */
  invalid?: boolean;
  /** A message shown under the control; also marks it invalid. */
  error?: string;
  className?: string;
}

/** aria-invalid and aria-describedby (hint, error) for the control of a labelled field. */
function controlAria({ id, hint, invalid, error }: LabelledProps) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return {
    "aria-invalid": invalid || Boolean(error) || undefined,
    "aria-describedby": describedBy || undefined,
  };
}

/** A labelled text input: label, hint and error are bound to the input by the one `id`. */
export function InputField({
  id,
  label,
  hint,
  invalid,
  error,
  className,
  ...input
}: LabelledProps & Omit<ComponentProps<"input">, "id" | "className">) {
  return (
    <Field id={id} label={label} hint={hint} error={error} className={className}>
      <Input id={id} {...input} {...controlAria({ id, label, hint, invalid, error })} />
    </Field>
  );
}

/** A labelled select (its options are the children): label, hint and error are bound to it by the one `id`. */
export function SelectField({
  id,
  label,
  hint,
  invalid,
  error,
  className,
  ...select
}: LabelledProps & Omit<ComponentProps<"select">, "id" | "className">) {
  return (
    <Field id={id} label={label} hint={hint} error={error} className={className}>
      <Select id={id} {...select} {...controlAria({ id, label, hint, invalid, error })} />
    </Field>
  );
}
