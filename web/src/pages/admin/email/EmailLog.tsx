import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, idempotencyKey } from "../../../api/client";
import { unwrap } from "../../../api/errors";
import type { Email, EmailStatus } from "../../../api/types";
import { ActionButton } from "../../../components/ActionButton";
import { Field, SelectField } from "../../../components/Field";
import { FormError } from "../../../components/FormError";
import { formatDate } from "../../../components/format";
import { Filters, ListPage } from "../../../components/ListPage";
import { StatusBadge } from "../../../components/StatusBadge";
import { useFilters } from "../../../components/useFilters";
import { usePagedList } from "../../../components/usePagedList";

const statuses: EmailStatus[] = ["queued", "sent", "failed", "skipped"];
const statusTone: Record<EmailStatus, string> = { queued: "pending", sent: "completed", failed: "failed", skipped: "" };

/** EmailLog lists the e-mails sent, newest first, with filters, and sends a failed one again. */
export function EmailLog() {
  const qc = useQueryClient();
  const [filters, , bind] = useFilters(["status", "template", "recipient"]);
  const query = { ...filters, status: filters.status as EmailStatus | undefined };
  const emails = usePagedList(
    ["email-log", query],
    (cursor) => unwrap(api.GET("/api/v1/email-log", { params: { query: { ...query, limit: 50, cursor } } })),
    { refetchInterval: 10000 },
  );
  const resend = useMutation({
    mutationFn: (e: Email) =>
      unwrap(
        api.POST("/api/v1/email-log/{id}/resend", {
          params: { path: { id: e.id }, header: { "Idempotency-Key": idempotencyKey() } },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: ["email-log"] }),
  });
  return (
    <ListPage
      title="E-mail log"
      filters={
        <Filters label="Filter e-mails">
          <SelectField label="Status" {...bind("status")}>
            <option value="">Any status</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </SelectField>
          <Field label="Template" placeholder="event.deployed" {...bind("template")} />
          <Field label="Recipient" type="email" {...bind("recipient")} />
        </Filters>
      }
      notices={
        <>
          {resend.isSuccess && (
            <p className="alert alert-ok" role="status">
              The e-mail to {resend.data.recipient} is queued again.
            </p>
          )}
          <FormError error={resend.error} />
        </>
      }
      heading="E-mails"
      query={emails}
      what="the e-mail log"
      empty="No e-mail matches these filters."
      caption="E-mails, newest first"
      columns={["Recipient", "Template", "Subject", "Status", "Attempts", "Queued", ""]}
      row={(e) => (
        <tr key={e.id}>
          <th scope="row">{e.recipient}</th>
          <td className="mono">{e.template}</td>
          <td>{e.subject}</td>
          <td>
            <StatusBadge state={statusTone[e.status]} label={e.status} />
            {e.error && <div className="field-error">{e.error}</div>}
          </td>
          <td>{e.attempts}</td>
          <td>
            {formatDate(e.created_at)}
            {e.sent_at && <div className="muted">sent {formatDate(e.sent_at)}</div>}
          </td>
          <td>
            {e.status === "failed" && (
              <ActionButton
                label={`Resend the e-mail to ${e.recipient}`}
                title={`Send "${e.subject}" to ${e.recipient} again?`}
                confirmLabel="Resend"
                onConfirm={() => resend.mutateAsync(e)}
              >
                Resend
              </ActionButton>
            )}
          </td>
        </tr>
      )}
    />
  );
}
