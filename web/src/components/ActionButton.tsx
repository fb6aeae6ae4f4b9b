import { useState, type ReactNode } from "react";
import { ConfirmDialog } from "./ConfirmDialog";

/**
 * ActionButton runs an action after the user confirms it in a dialog;
 * the dialog stays open, busy, until the action settles.
 */
export function ActionButton({
  label,
  title,
  confirmLabel,
  danger,
  disabled,
  onConfirm,
  children,
}: {
  /** The button's accessible name, e.g. "Stop web-1". */
  label: string;
  title: string;
  confirmLabel: string;
  danger?: boolean;
  disabled?: boolean;
  onConfirm: () => Promise<unknown>;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <button
        type="button"
        className={danger ? "btn btn-danger" : "btn"}
        aria-label={label}
        disabled={disabled}
        onClick={() => setOpen(true)}
      >
        {children}
      </button>
      {open && (
        <ConfirmDialog
          title={title}
          confirmLabel={confirmLabel}
          danger={danger}
          busy={busy}
          onCancel={() => setOpen(false)}
          onConfirm={() => {
            setBusy(true);
            onConfirm()
              .catch(() => undefined)
              .finally(() => {
                setBusy(false);
                setOpen(false);
              });
          }}
        />
      )}
    </>
  );
}
