"use client";

import { useEffect, useId, useRef, type FormEvent, type ReactNode } from "react";
import { FormActions } from "./form-actions";

/**
 * A modal dialog on the native <dialog> element (focus trapping, Escape and the backdrop come for free).
 * Mount it only while it is open; `onClose` runs on Escape.
 */
export function Dialog({
  title,
  description,
  children,
  onClose,
}: {
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();

  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal();
    return () => el?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descId : undefined}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className="m-auto w-[calc(100%-2rem)] max-w-lg rounded-lg border border-line bg-surface p-0 text-fg shadow-xl"
    >
      <div className="space-y-4 p-5">
        <div>
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          {description ? (
            <p id={descId} className="mt-1 text-sm text-muted">
              {description}
            </p>
          ) : null}
        </div>
        {children}
      </div>
    </dialog>
  );
}

/** A Dialog holding one form: the fields (children), then its error, Cancel and the submit button. */
export function FormDialog({
  title,
  description,
  onClose,
  onSubmit,
  error,
  pending,
  submitLabel,
  children,
}: {
  title: ReactNode;
  description?: ReactNode;
  onClose: () => void;
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
  error?: string | null;
  pending: boolean;
  submitLabel: ReactNode;
  children: ReactNode;
}) {
  return (
    <Dialog title={title} description={description} onClose={onClose}>
      <form noValidate onSubmit={onSubmit} className="space-y-4">
        {children}
        <FormActions error={error} onCancel={onClose} pending={pending}>
          {submitLabel}
        </FormActions>
      </form>
    </Dialog>
  );
}
