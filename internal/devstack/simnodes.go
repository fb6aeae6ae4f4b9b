package devstack

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/store"
)

// simCluster is the cluster name of the simulator's default seed.
const simCluster = "lab"

// registerSimNodes registers (or refreshes) the simulator's nodes, with its
// token and pinned certificate fingerprint, so that the inventory sync
// finds its templates without any manual step, and attaches them to the
// site siteID with containers on the lab bridge.
func registerSimNodes(ctx context.Context, db *store.DB, sim *ProxmoxSim, siteID uuid.UUID) error {
	for _, name := range sim.server.Nodes() {
		n := &domain.Node{
			Name: name, Cluster: simCluster, Endpoint: sim.URL(),
			TokenID: pvesim.DefaultTokenID, TokenSecret: pvesim.DefaultTokenSecret,
			TLSFingerprint: sim.Fingerprint(), Storages: []string{"local-lvm"}, Bridge: labBridge, CloneConcurrency: 3,
			SiteID: &siteID,
		}
		existing, err := db.FindNodeByName(ctx, simCluster, name)
		switch {
		case err == nil:
			n.ID = existing.ID
			err = db.UpdateNode(ctx, n)
		case domain.IsKind(err, domain.KindNotFound):
			err = db.CreateNode(ctx, n)
		}
		if err != nil {
			return fmt.Errorf("register simulated node %s: %w", name, err)
		}
	}
	return nil
}
