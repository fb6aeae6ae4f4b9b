package containers

import (
	"context"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/labforge/labforge/domain"
)

// check fails tb unless every container of the round ended as asked: its
// operation completed, the container running on a node with a reserved
// address no other container has, the simulator's guest running on that
// address, and dnsmasq resolving its internal name to it (or, render-only,
// the rendered hosts file naming it). It returns when each operation
// completed, as the platform recorded it.
func (s *stack) check(ctx context.Context, tb testing.TB, runs []ctRun, probe *prober) []time.Time {
	tb.Helper()
	hosts := ""
	if probe == nil {
		b, err := os.ReadFile(s.gw.hostsFile())
		if err != nil {
			tb.Fatalf("the gateway's hosts file: %v", err)
		}
		hosts = string(b)
	}
	guests := map[int]string{} // VMID → leased address of running guests
	for _, g := range s.sim.Guests() {
		if g.Type == "lxc" && g.Status == "running" {
			guests[g.VMID] = g.IPv4
		}
	}
	done := make([]time.Time, len(runs))
	owner := map[netip.Addr]string{}
	for i, r := range runs {
		op, err := s.api.operation(ctx, r.op.ID.String())
		if err != nil || op.State != domain.OpCompleted || op.CompletedAt == nil {
			tb.Fatalf("%s: operation %s is %s (%v)", r.hostname, r.op.ID, op.State, err)
		}
		done[i] = *op.CompletedAt
		ct, err := s.api.container(ctx, op.TargetID)
		switch {
		case err != nil:
			tb.Fatalf("%s: %v", r.hostname, err)
		case ct.Status != domain.ContainerRunning || ct.IPv4 == nil || ct.VMID == nil:
			tb.Fatalf("%s ended %s with address %v and VMID %v; want running with both", r.hostname, ct.Status, ct.IPv4, ct.VMID)
		case owner[*ct.IPv4] != "":
			tb.Fatalf("%s and %s both hold %s", owner[*ct.IPv4], r.hostname, ct.IPv4)
		case guests[*ct.VMID] != ct.IPv4.String():
			tb.Fatalf("%s (CT %d) reserved %s but its simulated guest runs on %q", r.hostname, *ct.VMID, ct.IPv4, guests[*ct.VMID])
		}
		owner[*ct.IPv4] = r.hostname
		fqdn := r.hostname + "." + internalDomain
		if probe == nil {
			if !strings.Contains(hosts, ct.IPv4.String()+" "+fqdn+"\n") {
				tb.Fatalf("the rendered hosts file does not map %s to %s", fqdn, ct.IPv4)
			}
			continue
		}
		if ip, err := probe.resolve(fqdn); err != nil || ip != *ct.IPv4 {
			tb.Fatalf("dnsmasq resolves %s to %v (%v); want %s", fqdn, ip, err, ct.IPv4)
		}
	}
	return done
}
