package devstack

import (
	"fmt"
	"io"
	"strings"
)

type bannerInfo struct {
	API, UI, Temporal, Postgres, Mongo string
	Queues                             []string
	PVE                                *ProxmoxSim
	Admin, Password, DataDir           string
}

// printBanner tells the developer where everything is and how to sign in.
func printBanner(w io.Writer, b bannerInfo) {
	fmt.Fprintf(w, `
Labforge dev stack is up.

  API              %s   (try %s/readyz)
  Temporal Web UI  %s
  Temporal         %s   (temporal --address %s workflow list)
  PostgreSQL       %s
  MongoDB (Ferret) %s
  Workers          %s
  Proxmox (sim)    %s   nodes pve1, pve2 in cluster "lab"
                   Authorization: %s
                   certificate %s (SHA-256 %s)

  Admin login      %s / %s
                   (generated on first start and kept in %s/admin-password;
                    if you changed the password since, use yours)

  curl -s %s/api/v1/auth/login -d '{"username":"%s","password":"%s"}'

Press Ctrl-C to stop.
`, b.API, b.API, b.UI, b.Temporal, b.Temporal, b.Postgres, b.Mongo, strings.Join(b.Queues, ", "),
		b.PVE.URL(), b.PVE.TokenHeader(), b.PVE.CAFile(), b.PVE.Fingerprint(),
		b.Admin, b.Password, b.DataDir, b.API, b.Admin, b.Password)
}
