import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { formatDate } from "../../components/format";
import { QueryView } from "../../components/StateViews";
import { EnvironmentCreateForm } from "./EnvironmentCreateForm";

/** Environments lists the lab blueprints an instructor may use and creates new ones. */
export function Environments() {
  const envs = useQuery({
    queryKey: ["environments"],
    queryFn: () => unwrap(api.GET("/api/v1/environments", { params: { query: { limit: 500 } } })),
  });
  return (
    <>
      <div className="page-head">
        <h1>Environments</h1>
      </div>
      <section className="section" aria-labelledby="environment-list">
        <h2 id="environment-list" className="visually-hidden">
          Environments by name
        </h2>
        <QueryView
          query={envs}
          what="environments"
          isEmpty={(d) => d.items.length === 0}
          empty="No environment yet. Create one below."
        >
          {(d) => (
            <ul className="card-grid" aria-label="Environments">
              {d.items.map((env) => (
                <li key={env.id} className="card">
                  <h3>{env.name}</h3>
                  {env.description && <p className="muted">{env.description}</p>}
                  <dl className="facts">
                    <dt>Machines</dt>
                    <dd>
                      {env.machines
                        .map(
                          (m) =>
                            `${m.name}${m.count > 1 ? ` ×${m.count}` : ""} (${m.clone_mode}${m.connections.length ? `, ${m.connections.map((c) => c.protocol.toUpperCase()).join("/")}` : ""})`,
                        )
                        .join(", ")}
                    </dd>
                    <dt>Moodle course</dt>
                    <dd>{env.moodle_template_course || "none"}</dd>
                    <dt>Updated</dt>
                    <dd>{formatDate(env.updated_at)}</dd>
                  </dl>
                </li>
              ))}
            </ul>
          )}
        </QueryView>
      </section>
      <EnvironmentCreateForm />
    </>
  );
}
