import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, idempotencyKey } from "../../../api/client";
import { unwrap } from "../../../api/errors";
import type { Site } from "../../../api/types";
import { FormError } from "../../../components/FormError";
import { formatDate } from "../../../components/format";
import { OperationStarted } from "../../../components/OperationLink";
import { StatusBadge } from "../../../components/StatusBadge";
import { ExternalDomains } from "./ExternalDomains";

/** GatewayState says what the site's gateway host last applied, and why it failed if it did. */
function GatewayState({ site }: { site: Site }) {
  const g = site.gateway;
  if (!g) return <span className="muted">Never applied</span>;
  return (
    <>
      <StatusBadge state={g.status} /> {g.applied_at ? formatDate(g.applied_at) : "not yet"}{" "}
      <span className="muted mono" title="Hash of the configuration">
        {g.hash.slice(0, 12)}
      </span>
      {g.error && <div className="field-error">{g.error}</div>}
    </>
  );
}

/** SiteCard is one site: its network, its gateway's last apply with "apply now", and its external domains. */
export function SiteCard({ site }: { site: Site }) {
  const qc = useQueryClient();
  const apply = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/sites/{id}/gateway/apply", {
          params: { path: { id: site.id }, header: { "Idempotency-Key": idempotencyKey() } },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: ["sites"] }),
  });
  const headingId = `site-${site.id}`;
  return (
    <section className="section card" aria-labelledby={headingId}>
      <h3 id={headingId}>{site.name}</h3>
      <dl className="facts">
        <dt>Network</dt>
        <dd className="mono">
          {site.cidr} via {site.gateway_ip}
        </dd>
        <dt>DHCP range</dt>
        <dd className="mono">
          {site.dhcp_start} – {site.dhcp_end}
        </dd>
        <dt>Internal domain</dt>
        <dd className="mono">{site.internal_domain}</dd>
        <dt>DNS forwarders</dt>
        <dd className="mono">{site.dns_forwarders.join(", ") || "—"}</dd>
        <dt>External address</dt>
        <dd className="mono">
          {site.external_ip}, ports {site.external_port_first}–{site.external_port_last}
        </dd>
        <dt>Gateway</dt>
        <dd>
          <GatewayState site={site} />
        </dd>
      </dl>
      {apply.isSuccess && <OperationStarted operation={apply.data} what={`Gateway apply of ${site.name}`} />}
      <FormError error={apply.error} />
      <div className="actions">
        <button
          type="button"
          className="btn"
          aria-label={`Apply now: the gateway of ${site.name}`}
          disabled={apply.isPending}
          onClick={() => apply.mutate()}
        >
          {apply.isPending ? "Applying…" : "Apply now"}
        </button>
      </div>
      <ExternalDomains site={site} />
    </section>
  );
}
