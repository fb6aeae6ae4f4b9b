import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../../../api/client";
import { unwrap } from "../../../api/errors";
import type { EmailTemplate } from "../../../api/types";
import { formatDate } from "../../../components/format";
import { ListPage } from "../../../components/ListPage";
import { StatusBadge } from "../../../components/StatusBadge";
import { EmailTemplateEditor } from "./EmailTemplateEditor";

/** EmailTemplates lists the e-mail templates in force and edits one, with a preview. */
export function EmailTemplates() {
  const [editing, setEditing] = useState<EmailTemplate["key"] | undefined>();
  const templates = useQuery({
    queryKey: ["email-templates"],
    queryFn: () => unwrap(api.GET("/api/v1/email-templates")),
    select: (d) => d.items,
  });
  const current = templates.data?.find((t) => t.key === editing);
  return (
    <ListPage
      title="E-mail templates"
      heading="Templates"
      query={templates}
      what="e-mail templates"
      empty="No e-mail template."
      caption="E-mail templates by key"
      columns={["Key", "When it is sent", "Version", ""]}
      row={(t) => (
        <tr key={t.key}>
          <th scope="row" className="mono">
            {t.key}
          </th>
          <td>{t.about}</td>
          <td>
            {t.customized ? (
              <>
                <StatusBadge state="active" label="customized" />
                <div className="muted">{formatDate(t.updated_at)}</div>
              </>
            ) : (
              "default"
            )}
          </td>
          <td>
            <button
              type="button"
              className="btn"
              aria-label={`Edit ${t.key}`}
              aria-pressed={editing === t.key}
              onClick={() => setEditing(t.key)}
            >
              Edit
            </button>
          </td>
        </tr>
      )}
    >
      {current && <EmailTemplateEditor key={current.key} template={current} onClose={() => setEditing(undefined)} />}
    </ListPage>
  );
}
