import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, idempotencyKey } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { Site } from "../../api/types";
import { ActionButton } from "../../components/ActionButton";
import { DataTable } from "../../components/DataTable";
import { FormError } from "../../components/FormError";
import { formatDate } from "../../components/format";
import { ListSection } from "../../components/ListSection";
import { OperationStarted } from "../../components/OperationLink";
import { StatusBadge } from "../../components/StatusBadge";

function GatewayState({ site }: { site: Site }) {
  const g = site.gateway;
  if (!g) return <span className="muted">never applied</span>;
  return (
    <>
      <StatusBadge state={g.status} /> {formatDate(g.applied_at)}
      {g.error && <div className="field-error">{g.error}</div>}
    </>
  );
}

/** Sites lists the lab networks with what their gateways last applied, and applies one again. */
export function Sites() {
  const qc = useQueryClient();
  const sites = useQuery({
    queryKey: ["sites"],
    queryFn: () => unwrap(api.GET("/api/v1/sites", { params: { query: { limit: 500 } } })),
    refetchInterval: 10000,
  });
  const apply = useMutation({
    mutationFn: (site: Site) =>
      unwrap(
        api.POST("/api/v1/sites/{id}/gateway/apply", {
          params: { path: { id: site.id }, header: { "Idempotency-Key": idempotencyKey() } },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: ["sites"] }),
  });
  return (
    <>
      <div className="page-head">
        <h1>Sites</h1>
      </div>
      {apply.isSuccess && (
        <OperationStarted operation={apply.data} what={`The gateway apply of ${apply.variables.name}`} />
      )}
      <FormError error={apply.error} />
      <ListSection
        heading="Sites by name"
        hidden
        query={{ ...sites, data: sites.data?.items }}
        what="sites"
        empty="No site yet."
      >
        {(items) => (
          <DataTable
            caption="Sites"
            columns={["Site", "Network", "Containers' domain", "External address", "Gateway", ""]}
          >
            {items.map((s) => (
              <tr key={s.id}>
                <th scope="row">{s.name}</th>
                <td className="mono">
                  {s.cidr}
                  <div className="muted">
                    DHCP {s.dhcp_start}–{s.dhcp_end}
                  </div>
                </td>
                <td className="mono">{s.internal_domain}</td>
                <td className="mono">
                  {s.external_ip}
                  <div className="muted">
                    ports {s.external_port_first}–{s.external_port_last}
                  </div>
                </td>
                <td>
                  <GatewayState site={s} />
                </td>
                <td>
                  <ActionButton
                    label={`Apply the gateway of ${s.name}`}
                    title={`Apply ${s.name}'s configuration on its gateway again?`}
                    confirmLabel="Apply"
                    onConfirm={() => apply.mutateAsync(s)}
                  >
                    Apply
                  </ActionButton>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </ListSection>
    </>
  );
}
