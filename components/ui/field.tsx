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

/** The attributes that bind a control to its field: the id, aria-invalid, and aria-describedby (hint, error). */
interface ControlBinding {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

/** A Field whose control (from `control`) gets the id and aria attributes that bind it to the label and hint. */
function Labelled({
  field: { id, label, hint, invalid, error, className },
  control,
}: {
  field: LabelledProps;
  control: (binding: ControlBinding) => ReactNode;
}) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <Field id={id} label={label} hint={hint} error={error} className={className}>
      {control({
        id,
        "aria-invalid": invalid || Boolean(error) || undefined,
        "aria-describedby": describedBy || undefined,
      })}
    </Field>
  );
}

/** Splits a labelled control's props into the field's and the control's own. */
function splitField<P extends LabelledProps>({ id, label, hint, invalid, error, className, ...control }: P) {
  return [{ id, label, hint, invalid, error, className }, control] as const;
}

/** A labelled text input: label, hint and error are bound to the input by the one `id`. */
export function InputField(props: LabelledProps & Omit<ComponentProps<"input">, "id" | "className">) {
  const [field, input] = splitField(props);
  return <Labelled field={field} control={(binding) => <Input {...input} {...binding} />} />;
}

/** A labelled select (its options are the children): label, hint and error are bound to it by the one `id`. */
export function SelectField(props: LabelledProps & Omit<ComponentProps<"select">, "id" | "className">) {
  const [field, select] = splitField(props);
  return <Labelled field={field} control={(binding) => <Select {...select} {...binding} />} />;
}
