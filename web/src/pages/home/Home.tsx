import { hasRole, useSession } from "../../auth/useSession";
import { MyContainers } from "./MyContainers";
import { MyEvents } from "./MyEvents";
import { MyVMs } from "./MyVMs";

/** Home is the participant's page: their VMs, containers and events. */
export function Home() {
  const session = useSession();
  if (!session) return null;
  const me = session.user;
  return (
    <>
      <div className="page-head">
        <h1>My lab</h1>
      </div>
      <MyVMs userId={me.id} />
      {/* Without a filter a participant sees what they own or collaborate on; an administrator would see every container. */}
      <MyContainers ownerFilter={hasRole(session, "admin") ? me.id : undefined} />
      <MyEvents />
    </>
  );
}
