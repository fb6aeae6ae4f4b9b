import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { formatDate } from "../../components/format";
import { ListPage } from "../../components/ListPage";
import { EnvironmentCreateForm } from "./EnvironmentCreateForm";
import { CardList } from "../../components/CardList";
import type { Environment } from "../../api/types";

/** machineSummary says in a few words what a machine is: "web ×2 (linked, SSH)". */
function machineSummary(m: Environment["machines"][number]): string {
  const connections = m.connections.map((c) => c.protocol.toUpperCase()).join("/");
  return `${m.name}${m.count > 1 ? ` ×${m.count}` : ""} (${m.clone_mode}${connections ? `, ${connections}` : ""})`;
}

/** Environments lists the lab blueprints an instructor may use and creates new ones. */
export function Environments() {
  const envs = useQuery({
    queryKey: ["environments"],
    queryFn: () => unwrap(api.GET("/api/v1/environments", { params: { query: { limit: 500 } } })),
  });
  return (
    <ListPage
      title="Environments"
      heading="Environments by name"
      query={{ ...envs, data: envs.data?.items }}
      what="environments"
      empty="No environment yet. Create one below."
      render={(d) => (
        <CardList label="Environments" items={d} keyOf={(env) => env.id} title={(env) => env.name}>
          {(env) => (
            <>
              {env.description && <p className="muted">{env.description}</p>}
              <dl className="facts">
                <dt>Machines</dt>
                <dd>{env.machines.map(machineSummary).join(", ")}</dd>
                <dt>Moodle course</dt>
                <dd>{env.moodle_template_course || "none"}</dd>
                <dt>Updated</dt>
                <dd>{formatDate(env.updated_at)}</dd>
              </dl>
            </>
          )}
        </CardList>
      )}
    >
      <EnvironmentCreateForm />
    </ListPage>
  );
}
