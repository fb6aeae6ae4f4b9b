import { useEffect, useRef, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../api/client";
import { unwrap } from "../../../api/errors";
import type { EmailTemplate } from "../../../api/types";
import { Field, TextAreaField } from "../../../components/Field";
import { fieldError, FormError } from "../../../components/FormError";

/**
 * EmailTemplateEditor edits one template's subject and HTML body: Preview
 * renders the unsaved text with the key's sample data (nothing is sent),
 * Save replaces the template. A placeholder the key's data lacks comes
 * back on the subject or body field.
 */
export function EmailTemplateEditor({ template, onClose }: { template: EmailTemplate; onClose: () => void }) {
  const qc = useQueryClient();
  const [subject, setSubject] = useState(template.subject);
  const [body, setBody] = useState(template.body);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const path = { params: { path: { key: template.key } } };
  const preview = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/email-templates/{key}/preview", { ...path, body: { subject, body } })),
  });
  const save = useMutation({
    mutationFn: () => unwrap(api.PUT("/api/v1/email-templates/{key}", { ...path, body: { subject, body } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["email-templates"] }),
  });
  // The last attempt's errors: a preview after a failed save shows the preview's.
  const err = save.error ?? preview.error;
  function submit(e: FormEvent) {
    e.preventDefault();
    preview.reset();
    save.mutate();
  }
  return (
    <section className="section card" aria-labelledby="edit-template">
      <h2 id="edit-template" ref={heading} tabIndex={-1}>
        Edit <span className="mono">{template.key}</span>
      </h2>
      <p className="muted">{template.about}</p>
      {save.isSuccess && (
        <p className="alert alert-ok" role="status">
          Saved {template.key}.
        </p>
      )}
      <FormError error={err} shown={["subject", "body"]} />
      <form onSubmit={submit} noValidate aria-labelledby="edit-template">
        <Field
          label="Subject"
          name="subject"
          value={subject}
          error={fieldError(err, "subject")}
          onChange={(e) => setSubject(e.target.value)}
        />
        <TextAreaField
          label="Body (HTML)"
          name="body"
          rows={12}
          spellCheck={false}
          className="mono"
          hint={
            <>
              Go template placeholders; this key may use{" "}
              {template.fields.map((f, i) => (
                <span key={f}>
                  {i > 0 && ", "}
                  <code>{`{{${f}}}`}</code>
                </span>
              ))}
              .
            </>
          }
          value={body}
          error={fieldError(err, "body")}
          onChange={(e) => setBody(e.target.value)}
        />
        <div className="actions">
          <button
            type="button"
            className="btn"
            disabled={preview.isPending}
            onClick={() => {
              save.reset();
              preview.mutate();
            }}
          >
            {preview.isPending ? "Rendering…" : "Preview"}
          </button>
          <button type="submit" className="btn btn-primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save template"}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
      {preview.isSuccess && (
        <section aria-labelledby="preview-heading" className="section">
          <h3 id="preview-heading">Preview with sample data</h3>
          <p>
            <strong>Subject:</strong> {preview.data.subject}
          </p>
          {/* The rendered HTML runs nothing: a sandboxed frame without scripts. */}
          <iframe
            title={`Preview of ${template.key}`}
            sandbox=""
            srcDoc={preview.data.html}
            className="email-preview"
          />
        </section>
      )}
    </section>
  );
}
