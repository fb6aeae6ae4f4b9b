import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { api, idempotencyKey } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { EventRequest } from "../../api/types";
import { Field, SelectField, TextAreaField } from "../../components/Field";
import { fieldError, FormError } from "../../components/FormError";
import { useCreateForm } from "../../components/useCreateForm";

const fieldNames = ["name", "short_name", "description", "environment_id", "starts_at", "ends_at", "lead_time"];

/** localToISO turns a datetime-local value (the user's time zone) into RFC 3339; "" stays "". */
export function localToISO(v: string): string {
  if (!v) return "";
  const t = new Date(v);
  return Number.isNaN(t.getTime()) ? v : t.toISOString();
}

/** EventCreateForm plans an event of an environment; it opens the event's page when planned. */
export function EventCreateForm() {
  const navigate = useNavigate();
  const [f, setF] = useState({
    name: "",
    short_name: "",
    description: "",
    environment_id: "",
    starts_at: "",
    ends_at: "",
    lead_time: "",
  });
  const envs = useQuery({
    queryKey: ["environments"],
    queryFn: () => unwrap(api.GET("/api/v1/environments", { params: { query: { limit: 500 } } })),
  });
  const { create, submit } = useCreateForm({
    send: () => {
      const body: EventRequest = {
        name: f.name.trim(),
        short_name: f.short_name.trim(),
        environment_id: f.environment_id,
        starts_at: localToISO(f.starts_at),
      };
      if (f.description.trim()) body.description = f.description.trim();
      if (f.ends_at) body.ends_at = localToISO(f.ends_at);
      if (f.lead_time.trim()) body.lead_time = f.lead_time.trim();
      return unwrap(api.POST("/api/v1/events", { params: { header: { "Idempotency-Key": idempotencyKey() } }, body }));
    },
    invalidate: [["events"]],
    onSuccess: (e) => void navigate(`/events/${e.id}`),
  });
  const err = create.error;
  const bind = (name: keyof typeof f) => ({
    name,
    value: f[name],
    error: fieldError(err, name),
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
      setF((prev) => ({ ...prev, [name]: e.target.value })),
  });
  return (
    <section className="section card" aria-labelledby="plan-event">
      <h2 id="plan-event">Plan an event</h2>
      <FormError error={err} shown={fieldNames} />
      <form onSubmit={submit} noValidate aria-labelledby="plan-event">
        <div className="form-grid">
          <Field label="Name" required {...bind("name")} />
          <Field
            label="Short name"
            required
            hint="4 to 8 of a-z, 0-9, _ and -; part of every VM name."
            {...bind("short_name")}
          />
          <SelectField label="Environment" required {...bind("environment_id")}>
            <option value="">{envs.isPending ? "Loading environments…" : "Choose an environment"}</option>
            {envs.data?.items.map((env) => (
              <option key={env.id} value={env.id}>
                {env.name}
              </option>
            ))}
          </SelectField>
          <Field label="Starts" type="datetime-local" required {...bind("starts_at")} />
          <Field label="Ends" type="datetime-local" hint="Empty: runs until ended." {...bind("ends_at")} />
          <Field
            label="Lead time"
            placeholder="45m"
            hint="How long before the start deployment begins; empty takes the default."
            {...bind("lead_time")}
          />
        </div>
        <TextAreaField label="Description" rows={2} {...bind("description")} />
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? "Planning…" : "Plan event"}
        </button>
      </form>
    </section>
  );
}
