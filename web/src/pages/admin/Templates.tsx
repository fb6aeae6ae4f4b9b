import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { DataTable } from "../../components/DataTable";
import { formatDate } from "../../components/format";
import { ListSection } from "../../components/ListSection";
import { StatusBadge } from "../../components/StatusBadge";

/** Templates lists the QEMU and LXC templates the inventory sync found on the nodes. */
export function Templates() {
  const templates = useQuery({
    queryKey: ["templates"],
    queryFn: () => unwrap(api.GET("/api/v1/templates", { params: { query: { limit: 500 } } })),
  });
  return (
    <>
      <div className="page-head">
        <h1>Templates</h1>
        <span className="muted">Found on the nodes by the inventory sync</span>
      </div>
      <ListSection
        heading="Templates by cluster"
        hidden
        query={{ ...templates, data: templates.data?.items }}
        what="templates"
        empty="No template yet: the inventory sync lists them once a node is registered."
      >
        {(items) => (
          <DataTable
            caption="Templates"
            columns={["Template", "Kind", "Cluster", "Size", "Storage", "Clone", "Status", "Synced"]}
          >
            {items.map((t) => (
              <tr key={t.id}>
                <th scope="row">
                  {t.name}
                  <div className="muted mono">VMID {t.vmid}</div>
                </th>
                <td>{t.kind}</td>
                <td>{t.cluster}</td>
                <td>
                  {t.cores} cores, {t.memory_mb} MiB, {t.disk_gb} GiB
                </td>
                <td>{t.storage}</td>
                <td>{t.linked_clone ? "linked" : "full"}</td>
                <td>
                  <StatusBadge state={t.status === "available" ? "ready" : "missing"} label={t.status} />
                </td>
                <td>{formatDate(t.synced_at)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </ListSection>
    </>
  );
}
