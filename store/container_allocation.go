package store

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/labforge/labforge/domain"
)

// lockContainerAllocation is the advisory lock class of a site's container
// allocation.
const lockContainerAllocation int32 = 0x4c460301

// AllocateContainer places the container with domain.PlaceContainer and
// reserves its VMID, address, MAC and external ports in one transaction
// that holds the allocation lock of the container's site. Allocations of
// one site thus run one at a time, and each sees the containers the ones
// before it placed, so two containers never count on the same free memory.
// Every step gives an owner back what it holds, so a container already
// allocated gets the same allocation and nothing new is reserved; on any
// error the transaction rolls back and nothing is reserved. It returns
// KindNotFound for an unknown container, KindInvalid for a bad range,
// KindConflict for a container being deleted or naming what is full (IP
// range, VMID range, port pool), and KindUnavailable wrapping
// domain.ErrNoCapacity when no node of the site has room.
func (db *DB) AllocateContainer(ctx context.Context, id uuid.UUID, vmids domain.VMIDRange) (*domain.ContainerAllocation, error) {
	if err := vmids.Validate("vmid_range"); err != nil {
		return nil, err
	}
	var a domain.ContainerAllocation
	err := db.inTx(ctx, func(tx *DB) error {
		c, err := tx.FindContainer(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.lock(ctx, lockContainerAllocation, c.SiteID.String()); err != nil {
			return err
		}
		// Read again under the lock: an allocation that ran while this one
		// waited may have allocated the container.
		if c, err = tx.FindContainer(ctx, id); err != nil {
			return err
		}
		if c.State == domain.GuestDeleting || c.State == domain.GuestDeleted {
			return domain.Conflictf("container %s is %s: it gets no allocation", c.Hostname, c.State)
		}
		site, err := tx.FindSite(ctx, c.SiteID)
		if err != nil {
			return err
		}
		nodes, err := tx.nodeLoads(ctx, siteNodes, site.ID, id, "nodes of site "+site.Name)
		if err != nil {
			return err
		}
		p, err := domain.PlaceContainer(domain.ContainerPlacementRequest{Container: *c, Nodes: nodes})
		if err != nil {
			return err
		}
		vmid, err := tx.AllocateVMID(ctx, p.Node.Cluster, vmids, domain.ObjectContainer, c.ID)
		if err != nil {
			return err
		}
		if _, err := tx.AllocateIP(ctx, site.ID, c.ID, ""); err != nil {
			return err
		}
		if a.Services, err = tx.allocateServicePorts(ctx, site, c.ID); err != nil {
			return err
		}
		c.NodeID, c.Cluster, c.VMID = &p.Node.ID, p.Node.Cluster, &vmid
		if c.State == domain.GuestPending || c.State == domain.GuestFailed {
			c.State = domain.GuestProvisioning
		}
		if err := tx.UpdateContainer(ctx, c); err != nil {
			return err
		}
		a.Container, a.Node = *c, p.Node
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// allocateServicePorts gives each TCP/UDP service of the container that
// has no external port one from the site's pool, and returns the
// container's services oldest first.
func (db *DB) allocateServicePorts(ctx context.Context, site *domain.Site, containerID uuid.UUID) ([]domain.Service, error) {
	rows, err := db.q.Query(ctx, `SELECT `+serviceColumns+` FROM services WHERE container_id = $1
		ORDER BY created_at, id`, containerID)
	if err != nil {
		return nil, mapErr(err, "services")
	}
	services, err := collect(rows, scanService)
	if err != nil {
		return nil, mapErr(err, "services")
	}
	for i := range services {
		s := &services[i]
		if s.ExternalPort != nil || (s.Protocol != domain.ServiceTCP && s.Protocol != domain.ServiceUDP) {
			continue
		}
		port, err := db.AllocateExternalPort(ctx, site.ID, s.Protocol, site.ExternalPortFirst, site.ExternalPortLast, s.ID)
		if err != nil {
			return nil, err
		}
		s.ExternalPort = &port
	}
	return services, nil
}

// ReleaseContainerAllocation frees the container's address and MAC, VMID
// and external ports and clears its node and VMID, under the allocation
// lock of its site, leaving its state to the caller. Call it only once the
// guest is confirmed gone: its VMID and address may be handed out at once.
// Releasing again is a no-op. It returns KindNotFound for an unknown
// container.
func (db *DB) ReleaseContainerAllocation(ctx context.Context, id uuid.UUID) error {
	return db.inTx(ctx, func(tx *DB) error {
		var siteID uuid.UUID
		err := tx.q.QueryRow(ctx, `SELECT site_id FROM containers WHERE id = $1`, id).Scan(&siteID)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.NotFoundf("container %s not found", id)
		}
		if err != nil {
			return mapErr(err, "container "+id.String())
		}
		if err := tx.lock(ctx, lockContainerAllocation, siteID.String()); err != nil {
			return err
		}
		for _, stmt := range []string{
			`DELETE FROM ip_allocations WHERE container_id = $1`,
			`UPDATE services SET external_port = NULL WHERE container_id = $1 AND external_port IS NOT NULL`,
			`UPDATE containers SET node_id = NULL, vmid = NULL, updated_at = now()
				WHERE id = $1 AND (node_id IS NOT NULL OR vmid IS NOT NULL)`,
		} {
			if _, err := tx.q.Exec(ctx, stmt, id); err != nil {
				return mapErr(err, "container "+id.String())
			}
		}
		return tx.releaseOwnerVMIDs(ctx, id)
	})
}
