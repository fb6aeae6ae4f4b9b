package store

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// eventItemColumns reads an item with its VM's state and address.
const eventItemColumns = `i.event_id, i.user_id, i.machine, i.index, i.vm_id, i.state, i.last_error, i.last_step,
	i.updated_at, COALESCE(v.state, ''), COALESCE(host(v.ipv4), '')`

const eventItemTables = `event_items i LEFT JOIN vms v ON v.id = i.vm_id`

func scanEventItem(r rowScanner) (domain.EventItem, error) {
	var it domain.EventItem
	err := r.Scan(&it.EventID, &it.UserID, &it.Machine, &it.Index, &it.VMID, &it.State, &it.LastError, &it.LastStep,
		&it.UpdatedAt, &it.VMState, &it.IPv4)
	return it, err
}

// UpsertEventItem stores the item (keyed by event, participant, machine
// and index) with its VM, state, last error and step, refreshing
// it.UpdatedAt. It returns KindInvalid for bad fields or an unknown event,
// user or VM.
func (db *DB) UpsertEventItem(ctx context.Context, it *domain.EventItem) error {
	if err := it.Validate(); err != nil {
		return err
	}
	err := db.q.QueryRow(ctx, `
		INSERT INTO event_items (event_id, user_id, machine, index, vm_id, state, last_error, last_step, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, clock_timestamp())
		ON CONFLICT (event_id, user_id, machine, index) DO UPDATE SET vm_id = excluded.vm_id,
			state = excluded.state, last_error = excluded.last_error, last_step = excluded.last_step,
			updated_at = clock_timestamp()
		RETURNING updated_at`,
		it.EventID, it.UserID, it.Machine, it.Index, it.VMID, it.State, it.LastError, it.LastStep,
	).Scan(&it.UpdatedAt)
	return mapErr(err, "event "+it.EventID.String())
}

// ListEventItems returns the event's items ordered by participant
// (username), machine and index, each with its VM's state and IPv4. A
// non-nil userID keeps that participant's items only.
func (db *DB) ListEventItems(ctx context.Context, eventID uuid.UUID, userID *uuid.UUID) ([]domain.EventItem, error) {
	rows, err := db.q.Query(ctx, `SELECT `+eventItemColumns+` FROM `+eventItemTables+`
		JOIN users u ON u.id = i.user_id
		WHERE i.event_id = $1 AND ($2::uuid IS NULL OR i.user_id = $2)
		ORDER BY u.username, i.machine, i.index`, eventID, userID)
	if err != nil {
		return nil, mapErr(err, "event items")
	}
	items, err := collect(rows, scanEventItem)
	return items, mapErr(err, "event items")
}

// ListEventItemChanges returns the event's items last changed after since,
// oldest change first, at most limit of them: the provisioning steps of a
// timeline, read page by page by passing the last UpdatedAt seen.
func (db *DB) ListEventItemChanges(ctx context.Context, eventID uuid.UUID, since time.Time, limit int) ([]domain.EventItem, error) {
	if limit <= 0 || limit > domain.MaxPageLimit {
		limit = domain.MaxPageLimit
	}
	rows, err := db.q.Query(ctx, `SELECT `+eventItemColumns+` FROM `+eventItemTables+`
		WHERE i.event_id = $1 AND i.updated_at > $2
		ORDER BY i.updated_at, i.user_id, i.machine, i.index LIMIT $3`, eventID, since, limit)
	if err != nil {
		return nil, mapErr(err, "event items")
	}
	items, err := collect(rows, scanEventItem)
	return items, mapErr(err, "event items")
}
