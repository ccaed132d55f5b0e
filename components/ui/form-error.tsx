import { cn } from "./cn";

/**
 * A form's error message. role="alert" so screen readers announce it; data-testid="form-error" because Next
 * injects its own hidden role="alert" route announcer.
 */
export function FormError({ message, className }: { message?: string | null; className?: string }) {
  if (!message) return null;
  return (
    <p
      role="alert"
      data-testid="form-error"
      className={cn("rounded-md border border-danger/30 bg-danger-soft px-3 py-2 text-sm text-danger", className)}
    >
      {message}
    </p>
  );
}

/** A form's success message ("Saved."), boxed like FormError; role="status" so it is announced politely. */
export function FormSuccess({ message, className }: { message?: string | null; className?: string }) {
  if (!message) return null;
  return (
    <p role="status" className={cn("rounded-md bg-success-soft px-3 py-2 text-sm text-success", className)}>
      {message}
    </p>
  );
}
