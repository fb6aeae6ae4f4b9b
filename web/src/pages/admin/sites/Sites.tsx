import { useQuery } from "@tanstack/react-query";
import { api } from "../../../api/client";
import { unwrap } from "../../../api/errors";
import { ListPage } from "../../../components/ListPage";
import { SiteCard } from "./SiteCard";
import { SiteCreateForm } from "./SiteCreateForm";

/** Sites lists the container sites, each with its gateway's last apply and its external domains, and registers new ones. */
export function Sites() {
  const sites = useQuery({
    queryKey: ["sites"],
    queryFn: () => unwrap(api.GET("/api/v1/sites", { params: { query: { limit: 200 } } })),
    select: (d) => d.items,
    refetchInterval: 10000,
  });
  return (
    <ListPage
      title="Sites"
      query={sites}
      what="sites"
      empty="No site is registered yet; register one below."
      render={(items) => items.map((s) => <SiteCard key={s.id} site={s} />)}
    >
      <SiteCreateForm />
    </ListPage>
  );
}
