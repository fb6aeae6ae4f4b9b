import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Field, SelectField } from "../../components/Field";
import { formatDate } from "../../components/format";
import { Filters, ListPage } from "../../components/ListPage";
import { StatusBadge } from "../../components/StatusBadge";
import { useFilters } from "../../components/useFilters";
import { usePagedList } from "../../components/usePagedList";

/** Templates lists the VM and container templates inventory sync found, by cluster and VMID. */
export function Templates() {
  const [filters, , bind] = useFilters(["kind", "cluster"]);
  const kind = filters.kind as "qemu" | "lxc" | undefined;
  const templates = usePagedList(["templates", filters], (cursor) =>
    unwrap(api.GET("/api/v1/templates", { params: { query: { kind, cluster: filters.cluster, limit: 100, cursor } } })),
  );
  return (
    <ListPage
      title="Templates"
      actions={<span className="muted">Found on the nodes by inventory sync</span>}
      filters={
        <Filters label="Filter templates">
          <SelectField label="Kind" {...bind("kind")}>
            <option value="">VMs and containers</option>
            <option value="qemu">VM (QEMU)</option>
            <option value="lxc">Container (LXC)</option>
          </SelectField>
          <Field label="Cluster" {...bind("cluster")} />
        </Filters>
      }
      query={templates}
      what="templates"
      empty="No template matches; inventory sync lists the templates it finds on the nodes."
      caption="Templates by cluster and VMID"
      columns={["Name", "Kind", "Cluster", "VMID", "OS", "Size", "Storage", "Status", "Synced"]}
      row={(t) => (
        <tr key={t.id}>
          <th scope="row">{t.name}</th>
          <td>{t.kind === "lxc" ? "container" : "VM"}</td>
          <td>{t.cluster}</td>
          <td className="mono">{t.vmid}</td>
          <td>{t.os_type}</td>
          <td>
            {t.cores} cores, {t.memory_mb} MiB, {t.disk_gb} GiB
          </td>
          <td>
            {t.storage}
            {t.linked_clone && <div className="muted">linked clones</div>}
          </td>
          <td>
            <StatusBadge state={t.status === "available" ? "ready" : t.status} label={t.status} />
          </td>
          <td>{formatDate(t.synced_at)}</td>
        </tr>
      )}
    />
  );
}
