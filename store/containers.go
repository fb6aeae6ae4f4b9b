package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// containerTables joins each container with its address reservation, the
// only source of its IPv4 and MAC.
const containerTables = `containers c LEFT JOIN ip_allocations a ON a.container_id = c.id`

const containerColumns = `c.id, c.hostname, c.owner_id, c.site_id, c.node_id, c.cluster, c.vmid, c.source,
	c.cores, c.memory_mb, c.swap_mb, c.disk_gb, c.env, c.ssh_keys, a.ip, COALESCE(upper(a.mac::text), ''),
	c.state, c.power, c.created_at, c.updated_at`

// containerDest lists where scanContainer puts containerColumns, so that
// queries selecting more columns can append theirs.
func containerDest(c *domain.Container) []any {
	return []any{&c.ID, &c.Hostname, &c.OwnerID, &c.SiteID, &c.NodeID, &c.Cluster, &c.VMID, &c.Source,
		&c.Cores, &c.MemoryMB, &c.SwapMB, &c.DiskGB, &c.Env, &c.SSHKeys, &c.IPv4, &c.MAC,
		&c.State, &c.Power, &c.CreatedAt, &c.UpdatedAt}
}

func scanContainer(r rowScanner) (domain.Container, error) {
	var c domain.Container
	err := r.Scan(containerDest(&c)...)
	return c, err
}

// containerEnv is the env column's value: never NULL.
func containerEnv(env map[string]string) map[string]string {
	if env == nil {
		return map[string]string{}
	}
	return env
}

// containerKeys is the ssh_keys column's value: never NULL.
func containerKeys(keys []string) []string {
	if keys == nil {
		return []string{}
	}
	return keys
}

// CreateContainer stores c, assigning ID (unless set) and timestamps;
// empty states become pending and unknown. IPv4 and MAC are ignored: they
// come from AllocateContainer. It returns KindInvalid for invalid fields or
// unknown references and KindConflict when the hostname is taken in the
// site.
func (db *DB) CreateContainer(ctx context.Context, c *domain.Container) error {
	if err := c.Validate(); err != nil {
		return err
	}
	defaultGuestStates(&c.State, &c.Power)
	c.IPv4, c.MAC = nil, ""
	err := db.q.QueryRow(ctx, `
		INSERT INTO containers (id, hostname, owner_id, site_id, node_id, cluster, vmid, source, cores,
			memory_mb, swap_mb, disk_gb, env, ssh_keys, state, power)
		VALUES (COALESCE($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
		RETURNING id, created_at, updated_at`,
		nullID(c.ID), c.Hostname, c.OwnerID, c.SiteID, c.NodeID, c.Cluster, c.VMID, c.Source, c.Cores,
		c.MemoryMB, c.SwapMB, c.DiskGB, containerEnv(c.Env), containerKeys(c.SSHKeys), c.State, c.Power,
	).Scan(&c.ID, &c.CreatedAt, &c.UpdatedAt)
	return mapErr(err, "container")
}

// CreateContainerWithOwner stores c as CreateContainer does, with its
// services (checked and given ports as ReplaceContainerServices does) and
// its owner's keys (domain.OwnerKeys), in one transaction. It returns the
// stored services. Nobody else is granted anything: a requester other
// than the owner is an administrator, who sees every container, and any
// other grant would make them a collaborator.
func (db *DB) CreateContainerWithOwner(ctx context.Context, c *domain.Container, services []domain.Service) ([]domain.Service, error) {
	var out []domain.Service
	err := db.inTx(ctx, func(tx *DB) error {
		if err := tx.CreateContainer(ctx, c); err != nil {
			return err
		}
		if err := tx.GrantOwner(ctx, domain.ObjectContainer, c.ID, c.OwnerID); err != nil {
			return err
		}
		var err error
		out, err = tx.replaceServices(ctx, c, services)
		return err
	})
	return out, err
}

// FindContainer returns the container, with its address if reserved, or
// KindNotFound.
func (db *DB) FindContainer(ctx context.Context, id uuid.UUID) (*domain.Container, error) {
	c, err := scanContainer(db.q.QueryRow(ctx, `SELECT `+containerColumns+` FROM `+containerTables+` WHERE c.id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "container "+id.String())
	}
	return &c, nil
}

// FindContainerByHostname returns the site's live (not deleted) container
// with that hostname, or KindNotFound.
func (db *DB) FindContainerByHostname(ctx context.Context, siteID uuid.UUID, hostname string) (*domain.Container, error) {
	c, err := scanContainer(db.q.QueryRow(ctx, `SELECT `+containerColumns+` FROM `+containerTables+`
		WHERE c.site_id = $1 AND c.hostname = $2 AND c.state <> 'deleted'`, siteID, hostname))
	if err != nil {
		return nil, mapErr(err, "container "+quote(hostname))
	}
	return &c, nil
}

// ListContainers returns containers oldest first, and the cursor of the
// next page.
func (db *DB) ListContainers(ctx context.Context, f domain.ContainerFilter) ([]domain.Container, string, error) {
	var c conds
	if f.OwnerID != nil {
		c.add("c.owner_id = %s", *f.OwnerID)
	}
	if f.VisibleTo != nil {
		c.add(`(c.owner_id = %[1]s OR EXISTS (SELECT 1 FROM permissions p
			WHERE p.object_type = 'container' AND p.object_id = c.id AND (p.user_id = %[1]s
				OR p.group_id IN (SELECT group_id FROM group_members WHERE user_id = %[1]s))))`, *f.VisibleTo)
	}
	if f.SiteID != nil {
		c.add("c.site_id = %s", *f.SiteID)
	}
	if f.State != "" {
		c.add("c.state = %s", f.State)
	}
	if f.Status != "" {
		addStatusCond(&c, f.Status)
	}
	return list(ctx, db, listQuery[domain.Container]{
		from: containerTables, columns: containerColumns, orderBy: "c.created_at, c.id", what: "containers",
		after: func(c *conds, at cursor) { c.add("(c.created_at, c.id) > (%s, %s)", at.T, at.ID) },
		scan:  scanContainer,
		key:   func(ct *domain.Container) cursor { return cursor{T: ct.CreatedAt, ID: ct.ID} },
	}, c, f.Page)
}

// addStatusCond keeps the containers domain.Container.Status shows as st.
func addStatusCond(c *conds, st domain.ContainerStatus) {
	switch st {
	case domain.ContainerCreating:
		c.add("c.state IN ('pending', 'provisioning')")
	case domain.ContainerRunning:
		c.add("c.state = 'ready' AND c.power = 'running'")
	case domain.ContainerStopped:
		c.add("c.state = 'ready' AND c.power <> 'running'")
	default:
		// failed, missing, deleting and deleted are states of their own.
		c.add("c.state = %s", string(st))
	}
}

// UpdateContainer stores every field of c but its ID, site, address and
// CreatedAt, refreshing UpdatedAt and re-reading the address. A container
// stored deleted loses its services in the same transaction: it publishes
// nothing, and its host names and ports are free for others. It returns
// KindNotFound, KindInvalid or KindConflict (hostname taken).
func (db *DB) UpdateContainer(ctx context.Context, c *domain.Container) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *DB) error {
		err := tx.q.QueryRow(ctx, `
			WITH u AS (
				UPDATE containers SET hostname = $2, owner_id = $3, node_id = $4, cluster = $5, vmid = $6,
					source = $7, cores = $8, memory_mb = $9, disk_gb = $10, state = $11, power = $12,
					swap_mb = $13, env = $14, ssh_keys = $15, updated_at = now()
				WHERE id = $1 RETURNING id, site_id, created_at, updated_at)
			SELECT u.site_id, u.created_at, u.updated_at, a.ip, COALESCE(upper(a.mac::text), '')
			FROM u LEFT JOIN ip_allocations a ON a.container_id = u.id`,
			c.ID, c.Hostname, c.OwnerID, c.NodeID, c.Cluster, c.VMID, c.Source, c.Cores, c.MemoryMB, c.DiskGB,
			c.State, c.Power, c.SwapMB, containerEnv(c.Env), containerKeys(c.SSHKeys),
		).Scan(&c.SiteID, &c.CreatedAt, &c.UpdatedAt, &c.IPv4, &c.MAC)
		if err != nil {
			return mapErr(err, "container "+c.ID.String())
		}
		if c.State == domain.GuestDeleted {
			_, err = tx.q.Exec(ctx, `DELETE FROM services WHERE container_id = $1`, c.ID)
		}
		return mapErr(err, "services of container "+c.ID.String())
	})
}

// DeleteContainer deletes the container record with its services, address
// reservation, VMID allocation and the permissions granted on it. It
// returns KindNotFound.
func (db *DB) DeleteContainer(ctx context.Context, id uuid.UUID) error {
	return db.inTx(ctx, func(tx *DB) error {
		if err := tx.deleteObject(ctx, "containers", domain.ObjectContainer, id); err != nil {
			return err
		}
		return tx.releaseOwnerVMIDs(ctx, id)
	})
}
