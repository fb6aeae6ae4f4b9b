import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Field, SelectField, TextAreaField } from "../../components/Field";
import { fieldError, FormError } from "../../components/FormError";
import { useCreateForm } from "../../components/useCreateForm";
import { emptyMachine, machineField, machineRequest, type MachineRow } from "./machineRows";

const rowFields = [
  "template_id",
  "name",
  "count",
  "clone_mode",
  "connections[0].protocol",
  "connections[0].username",
  "connections[0].password",
];

/** EnvironmentCreateForm defines an environment: its machines, each from a QEMU template, with an optional connection. */
export function EnvironmentCreateForm() {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [course, setCourse] = useState("");
  const [machines, setMachines] = useState<MachineRow[]>([{ ...emptyMachine }]);
  const templates = useQuery({
    queryKey: ["templates", "qemu"],
    queryFn: () => unwrap(api.GET("/api/v1/templates", { params: { query: { kind: "qemu", limit: 500 } } })),
  });
  const { create, submit } = useCreateForm({
    send: () =>
      unwrap(
        api.POST("/api/v1/environments", {
          body: {
            name: name.trim(),
            description: description.trim(),
            moodle_template_course: course.trim() ? Number(course) : 0,
            machines: machines.map(machineRequest),
          },
        }),
      ),
    onSuccess: () => {
      setName("");
      setDescription("");
      setCourse("");
      setMachines([{ ...emptyMachine }]);
    },
    invalidate: [["environments"]],
  });
  const err = create.error;
  const shown = [
    "name",
    "description",
    "moodle_template_course",
    "machines",
    ...machines.flatMap((_, i) => rowFields.map((f) => machineField(i, f))),
  ];
  const setRow = (i: number, patch: Partial<MachineRow>) =>
    setMachines((rows) => rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <section className="section card" aria-labelledby="new-environment">
      <h2 id="new-environment">New environment</h2>
      {create.isSuccess && (
        <p className="alert alert-ok" role="status">
          Created {create.data.name}.
        </p>
      )}
      <FormError error={err} shown={shown} />
      <form onSubmit={submit} noValidate aria-labelledby="new-environment">
        <div className="form-grid">
          <Field
            label="Name"
            name="name"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={fieldError(err, "name")}
          />
          <Field
            label="Moodle template course"
            name="moodle_template_course"
            type="number"
            min={0}
            hint="Id of the course to copy for each event; empty for none."
            value={course}
            onChange={(e) => setCourse(e.target.value)}
            error={fieldError(err, "moodle_template_course")}
          />
        </div>
        <TextAreaField
          label="Description"
          rows={2}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={fieldError(err, "description")}
        />
        {fieldError(err, "machines") && <p className="field-error">{fieldError(err, "machines")}</p>}
        {machines.map((m, i) => (
          <fieldset key={i} className="card section">
            <legend>Machine {i + 1}</legend>
            <div className="form-grid">
              <SelectField
                label="Template"
                value={m.template_id}
                onChange={(e) => setRow(i, { template_id: e.target.value })}
                error={fieldError(err, machineField(i, "template_id"))}
              >
                <option value="">{templates.isPending ? "Loading templates…" : "Choose a template"}</option>
                {templates.data?.items.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} ({t.cluster}, {t.cores} cores, {t.memory_mb} MiB)
                  </option>
                ))}
              </SelectField>
              <Field
                label="Machine name"
                hint="A DNS label of at most 20 characters."
                value={m.name}
                onChange={(e) => setRow(i, { name: e.target.value })}
                error={fieldError(err, machineField(i, "name"))}
              />
              <Field
                label="Copies per participant"
                type="number"
                min={1}
                max={10}
                value={m.count}
                onChange={(e) => setRow(i, { count: e.target.value })}
                error={fieldError(err, machineField(i, "count"))}
              />
              <SelectField
                label="Clone"
                value={m.clone_mode}
                onChange={(e) => setRow(i, { clone_mode: e.target.value as MachineRow["clone_mode"] })}
                error={fieldError(err, machineField(i, "clone_mode"))}
              >
                <option value="linked">linked (fast, shares the template's disk)</option>
                <option value="full">full (independent copy)</option>
              </SelectField>
              <SelectField
                label="Connection"
                value={m.protocol}
                onChange={(e) => setRow(i, { protocol: e.target.value as MachineRow["protocol"] })}
                error={fieldError(err, machineField(i, "connections[0].protocol"))}
              >
                <option value="">none</option>
                <option value="rdp">RDP</option>
                <option value="ssh">SSH</option>
                <option value="vnc">VNC</option>
              </SelectField>
              {m.protocol && (
                <>
                  <Field
                    label="Connection username"
                    value={m.username}
                    onChange={(e) => setRow(i, { username: e.target.value })}
                    error={fieldError(err, machineField(i, "connections[0].username"))}
                  />
                  <Field
                    label="Connection password"
                    type="password"
                    autoComplete="off"
                    value={m.password}
                    onChange={(e) => setRow(i, { password: e.target.value })}
                    error={fieldError(err, machineField(i, "connections[0].password"))}
                  />
                </>
              )}
            </div>
            {machines.length > 1 && (
              <button
                type="button"
                className="btn"
                onClick={() => setMachines((rows) => rows.filter((_, j) => j !== i))}
              >
                Remove machine {i + 1}
              </button>
            )}
          </fieldset>
        ))}
        <div className="actions">
          <button type="button" className="btn" onClick={() => setMachines((rows) => [...rows, { ...emptyMachine }])}>
            Add a machine
          </button>
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create environment"}
          </button>
        </div>
      </form>
    </section>
  );
}
