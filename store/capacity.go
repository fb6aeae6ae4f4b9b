package store

import (
	"context"
	"time"

	"github.com/labforge/labforge/domain"
)

// CapacityNodes returns the nodes that are not offline, by name, with
// their clone_concurrency as clone slots, their memory at the last
// inventory sync, and the memory of their VMs and containers that belong
// to no event and are not failed, missing or deleted.
func (db *DB) CapacityNodes(ctx context.Context) ([]domain.CapacityNode, error) {
	rows, err := db.q.Query(ctx, `SELECT id, name, clone_concurrency, storages, max_memory_bytes,
			(COALESCE((SELECT SUM(v.memory_mb::bigint) FROM vms v WHERE v.node_id = nodes.id AND v.event_id IS NULL
				AND v.state NOT IN ('failed', 'deleting', 'deleted')), 0)
			+ COALESCE((SELECT SUM(c.memory_mb::bigint) FROM containers c WHERE c.node_id = nodes.id
				AND c.state NOT IN ('failed', 'missing', 'deleting', 'deleted')), 0)) * 1048576
		FROM nodes WHERE status <> 'offline' ORDER BY name, cluster`)
	if err != nil {
		return nil, mapErr(err, "nodes")
	}
	nodes, err := collect(rows, func(r rowScanner) (domain.CapacityNode, error) {
		var n domain.CapacityNode
		err := r.Scan(&n.ID, &n.Name, &n.CloneSlots, &n.Storages, &n.MemoryBytes, &n.BaseBytes)
		return n, err
	})
	return nodes, mapErr(err, "nodes")
}

// eventParticipantCount counts the users of event $1 who take part as
// participants (directly or through a group) and not as instructors: one
// VM set each.
const eventParticipantCount = `(SELECT count(*) FROM (
		SELECT p.user_id FROM event_participants p WHERE p.event_id = $1 AND p.role = 'participant'
		UNION SELECT gm.user_id FROM event_groups g JOIN group_members gm ON gm.group_id = g.group_id
			WHERE g.event_id = $1 AND g.role = 'participant'
		EXCEPT SELECT p.user_id FROM event_participants p WHERE p.event_id = $1 AND p.role = 'instructor'
		EXCEPT SELECT gm.user_id FROM event_groups g JOIN group_members gm ON gm.group_id = g.group_id
			WHERE g.event_id = $1 AND g.role = 'instructor') members)`

// demandMachines are the machines event $1 deploys: its environment
// snapshot's once it deployed, else those of environment $2 now.
const demandMachines = `(
	SELECT (m->>'template_id')::uuid AS template_id, (m->>'count')::int AS count, m->>'clone_mode' AS clone_mode,
		COALESCE((m->>'memory_mb')::int, 0) AS memory_mb, x.ord AS position
	FROM events ev, jsonb_array_elements(ev.environment_snapshot->'machines') WITH ORDINALITY AS x(m, ord)
	WHERE ev.id = $1 AND ev.environment_snapshot IS NOT NULL
	UNION ALL
	SELECT template_id, count, clone_mode, memory_mb, position FROM environment_machines
	WHERE environment_id = $2 AND NOT EXISTS (
		SELECT 1 FROM events ev WHERE ev.id = $1 AND ev.environment_snapshot IS NOT NULL))`

// EventDemand is e as capacity planning sees it: its machines (the
// environment snapshot's once it deployed, else its environment's now),
// each on the template's node with its memory unless overridden and its
// measured clone time, times its participants as stored, deploying at
// start − lead time. It returns KindInvalid for an unknown environment.
func (db *DB) EventDemand(ctx context.Context, e *domain.Event, defaultLead time.Duration) (*domain.PlannedEvent, error) {
	rows, err := db.q.Query(ctx, `SELECT m.template_id, t.node_id, m.count * `+eventParticipantCount+`,
			m.clone_mode = 'linked', COALESCE(NULLIF(m.memory_mb, 0), t.memory_mb)::bigint * 1048576
		FROM `+demandMachines+` m JOIN vm_templates t ON t.id = m.template_id
		ORDER BY m.position`, e.ID, e.EnvironmentID)
	if err != nil {
		return nil, mapErr(err, "machines of environment "+e.EnvironmentID.String())
	}
	type machine struct {
		domain.MachineDemand
		linked bool
	}
	machines, err := collect(rows, func(r rowScanner) (machine, error) {
		var m machine
		err := r.Scan(&m.TemplateID, &m.NodeID, &m.VMs, &m.linked, &m.MemoryBytes)
		return m, err
	})
	if err != nil {
		return nil, mapErr(err, "machines of environment "+e.EnvironmentID.String())
	}
	p := &domain.PlannedEvent{ID: e.ID, Name: e.Name, StartsAt: e.StartsAt, EndsAt: e.EndsAt,
		DeployAt: e.StartsAt.Add(-e.EffectiveLeadTime(domain.EventDefaults{LeadTime: defaultLead}))}
	for _, m := range machines {
		if m.CloneTime, err = db.CloneTimeEstimate(ctx, m.TemplateID, m.linked); err != nil {
			return nil, err
		}
		p.Machines = append(p.Machines, m.MachineDemand)
	}
	return p, nil
}

// PlannedEvents returns the events from planned to running whose VMs
// exist at some time in [from, to) — from their deploy (start − lead
// time, defaultLead when unset) to their end — with their demand (see
// EventDemand), by deploy time.
func (db *DB) PlannedEvents(ctx context.Context, from, to time.Time, defaultLead time.Duration) ([]domain.PlannedEvent, error) {
	rows, err := db.q.Query(ctx, `SELECT `+eventColumns+` FROM events ev
		WHERE ev.state IN ('planned', 'deploying', 'ready', 'running')
			AND ev.starts_at - COALESCE(ev.lead_time, $3::interval) < $2
			AND (ev.ends_at IS NULL OR ev.ends_at > $1)
		ORDER BY ev.starts_at - COALESCE(ev.lead_time, $3::interval), ev.id`, from, to, defaultLead)
	if err != nil {
		return nil, mapErr(err, "planned events")
	}
	events, err := collect(rows, scanEvent)
	if err != nil {
		return nil, mapErr(err, "planned events")
	}
	out := make([]domain.PlannedEvent, 0, len(events))
	for i := range events {
		p, err := db.EventDemand(ctx, &events[i], defaultLead)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, nil
}

var _ domain.CapacityStore = (*DB)(nil)
