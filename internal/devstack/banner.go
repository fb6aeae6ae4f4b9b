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
	Login                              adminLogin
}

// printBanner tells the developer where everything is and how to sign in.
// It prints the admin password only when the dev stack generated it.
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
                   %s

  %s

Press Ctrl-C to stop.
`, b.API, b.API, b.UI, b.Temporal, b.Temporal, b.Postgres, b.Mongo, strings.Join(b.Queues, ", "),
		b.PVE.URL(), b.PVE.TokenHeader(), b.PVE.CAFile(), b.PVE.Fingerprint(),
		b.Login.Username, shownPassword(b.Login), b.Login.Source, loginCommand(b.API, b.Login))
}

// shownPassword is the password as the banner shows it.
func shownPassword(l adminLogin) string {
	if l.Password != "" {
		return l.Password
	}
	return "(not shown)"
}

// loginCommand is a curl command that signs in; a configured password is
// taken from passwordVariable by the shell.
func loginCommand(api string, l adminLogin) string {
	switch {
	case l.Password != "":
		return fmt.Sprintf(`curl -s %s/api/v1/auth/login -d '{"username":"%s","password":"%s"}'`, api, l.Username, l.Password)
	case l.Configured:
		return fmt.Sprintf(`curl -s %s/api/v1/auth/login -d "{\"username\":\"%s\",\"password\":\"$%s\"}"`, api, l.Username, passwordVariable)
	}
	return fmt.Sprintf(`curl -s %s/api/v1/auth/login -d '{"username":"%s","password":"<password>"}'`, api, l.Username)
}
