import { ActionButton } from "./ActionButton";

/** Action is one confirmed action on an object. */
export interface Action<K extends string> {
  key: K;
  label: string;
  /** The confirmation's question. */
  title: string;
  danger?: boolean;
  disabled?: boolean;
}

/** ActionBar is the row of an object's actions, each confirmed before onRun runs it. */
export function ActionBar<K extends string>({
  subject,
  actions,
  onRun,
}: {
  /** The object's name, which each button's accessible name ends with ("Stop web-1"). */
  subject: string;
  actions: Action<K>[];
  onRun: (key: K) => Promise<unknown>;
}) {
  return (
    <div className="actions">
      {actions.map((a) => (
        <ActionButton
          key={a.key}
          label={`${a.label} ${subject}`}
          title={a.title}
          confirmLabel={a.label}
          danger={a.danger}
          disabled={a.disabled}
          onConfirm={() => onRun(a.key)}
        >
          {a.label}
        </ActionButton>
      ))}
    </div>
  );
}
