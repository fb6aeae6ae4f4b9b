package main

import (
	"fmt"
	"strings"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

// workerQueues returns the queues to poll from --queues (given says
// whether it was on the command line) and --site. --site NAME is shorthand
// for --queues gateway.NAME; with --site, --queues may only repeat it or
// say "gateway" (as in --queues gateway --site NAME), because a gateway
// host runs nothing else.
func workerQueues(queues string, given bool, site string) ([]string, error) {
	if site == "" {
		return splitQueues(queues), nil
	}
	if !domain.ValidSlug(site) {
		return nil, fmt.Errorf("--site %q is not a site name (lower-case letters, digits and hyphens)", site)
	}
	q := activities.GatewayQueue(site)
	if given {
		for _, other := range splitQueues(queues) {
			if other != "gateway" && other != q {
				return nil, fmt.Errorf("--site %s polls only %s; drop --queues or use --queues gateway", site, q)
			}
		}
	}
	return []string{q}, nil
}

func splitQueues(s string) []string {
	var out []string
	for _, q := range strings.Split(s, ",") {
		if q = strings.TrimSpace(q); q != "" {
			out = append(out, q)
		}
	}
	return out
}
