// The foot of a dialog or inline form: its error, then Cancel and the button that submits or confirms.
import type { ReactNode } from "react";
import { Button, SubmitButton, type ButtonVariant } from "./button";
import { FormError } from "./form-error";

export function FormActions({
  error,
  onCancel,
  pending,
  pendingLabel,
  onConfirm,
  variant,
  size,
  children,
}: {
  error?: string | null;
  onCancel: () => void;
  pending: boolean;
  pendingLabel?: ReactNode;
  /** Without it the button submits the form; with it, it is a plain button that runs this. */
  onConfirm?: () => void;
  variant?: ButtonVariant;
  size?: "sm" | "md";
  /** The confirming button's text. */
  children: ReactNode;
}) {
  return (
    <>
      <FormError message={error} />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" size={size} onClick={onCancel}>
          Cancel
        </Button>
        {onConfirm ? (
          <Button variant={variant} size={size} disabled={pending} onClick={onConfirm}>
            {pending && pendingLabel ? pendingLabel : children}
          </Button>
        ) : (
          <SubmitButton variant={variant} size={size} pending={pending} pendingLabel={pendingLabel}>
            {children}
          </SubmitButton>
        )}
      </div>
    </>
  );
}
