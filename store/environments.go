package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// environmentColumns reads the machines as one JSON array, in order; their
// JSON names are domain.EnvironmentMachine's.
const environmentColumns = `e.id, e.name, e.description, e.owner_id, e.moodle_template_course, e.created_at, e.updated_at,
	COALESCE((SELECT jsonb_agg(jsonb_build_object(
			'template_id', m.template_id, 'name', m.name, 'protocol', m.protocol, 'port', m.port,
			'cores', m.cores, 'memory_mb', m.memory_mb) ORDER BY m.position)
		FROM environment_machines m WHERE m.environment_id = e.id), '[]')`

func scanEnvironment(r rowScanner) (domain.Environment, error) {
	var e domain.Environment
	err := r.Scan(&e.ID, &e.Name, &e.Description, &e.OwnerID, &e.MoodleTemplateCourse, &e.CreatedAt, &e.UpdatedAt,
		&e.Machines)
	return e, err
}

// CreateEnvironment stores e with its machines, assigning ID (unless set)
// and timestamps. It returns KindInvalid for invalid fields, an unknown
// owner or template.
func (db *DB) CreateEnvironment(ctx context.Context, e *domain.Environment) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *DB) error {
		err := tx.q.QueryRow(ctx, `
			INSERT INTO environments (id, name, description, owner_id, moodle_template_course)
			VALUES (COALESCE($1, gen_random_uuid()), $2, $3, $4, $5)
			RETURNING id, created_at, updated_at`,
			nullID(e.ID), e.Name, e.Description, e.OwnerID, e.MoodleTemplateCourse,
		).Scan(&e.ID, &e.CreatedAt, &e.UpdatedAt)
		if err != nil {
			return mapErr(err, "environment")
		}
		return tx.setMachines(ctx, e)
	})
}

// setMachines replaces the environment's machines with e.Machines, in order.
func (db *DB) setMachines(ctx context.Context, e *domain.Environment) error {
	if _, err := db.q.Exec(ctx, `DELETE FROM environment_machines WHERE environment_id = $1`, e.ID); err != nil {
		return mapErr(err, "environment "+e.ID.String())
	}
	n := len(e.Machines)
	templates, names, protocols := make([]uuid.UUID, n), make([]string, n), make([]string, n)
	ports, cores, memory := make([]int, n), make([]int, n), make([]int, n)
	for i, m := range e.Machines {
		templates[i], names[i], protocols[i] = m.TemplateID, m.Name, m.Protocol
		ports[i], cores[i], memory[i] = m.Port, m.Cores, m.MemoryMB
	}
	_, err := db.q.Exec(ctx, `
		INSERT INTO environment_machines (environment_id, position, template_id, name, protocol, port, cores, memory_mb)
		SELECT $1, m.ord - 1, m.template_id, m.name, m.protocol, m.port, m.cores, m.memory_mb
		FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[])
			WITH ORDINALITY AS m(template_id, name, protocol, port, cores, memory_mb, ord)`,
		e.ID, templates, names, protocols, ports, cores, memory)
	return mapErr(err, "environment "+e.ID.String())
}

// FindEnvironment returns the environment with its machines or KindNotFound.
func (db *DB) FindEnvironment(ctx context.Context, id uuid.UUID) (*domain.Environment, error) {
	e, err := scanEnvironment(db.q.QueryRow(ctx, `SELECT `+environmentColumns+` FROM environments e WHERE e.id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "environment "+id.String())
	}
	return &e, nil
}

// ListEnvironments returns environments ordered by name, and the cursor of
// the next page.
func (db *DB) ListEnvironments(ctx context.Context, f domain.EnvironmentFilter) ([]domain.Environment, string, error) {
	var c conds
	if f.OwnerID != nil {
		c.add("e.owner_id = %s", *f.OwnerID)
	}
	return list(ctx, db, listQuery[domain.Environment]{
		from: "environments e", columns: environmentColumns, orderBy: "e.name, e.id", what: "environments",
		after: func(c *conds, at cursor) { c.add("(e.name, e.id) > (%s, %s)", at.S, at.ID) },
		scan:  scanEnvironment,
		key:   func(e *domain.Environment) cursor { return cursor{S: e.Name, ID: e.ID} },
	}, c, f.Page)
}

// UpdateEnvironment stores name, description, owner, Moodle course and
// machines (replacing them), refreshing UpdatedAt. It returns KindNotFound
// or KindInvalid.
func (db *DB) UpdateEnvironment(ctx context.Context, e *domain.Environment) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *DB) error {
		err := tx.q.QueryRow(ctx, `
			UPDATE environments SET name = $2, description = $3, owner_id = $4, moodle_template_course = $5,
				updated_at = now()
			WHERE id = $1 RETURNING created_at, updated_at`,
			e.ID, e.Name, e.Description, e.OwnerID, e.MoodleTemplateCourse,
		).Scan(&e.CreatedAt, &e.UpdatedAt)
		if err != nil {
			return mapErr(err, "environment "+e.ID.String())
		}
		return tx.setMachines(ctx, e)
	})
}

// DeleteEnvironment deletes the environment, its machines and the
// permissions granted on it. It returns KindNotFound, or KindConflict
// while events use it.
func (db *DB) DeleteEnvironment(ctx context.Context, id uuid.UUID) error {
	return db.deleteObject(ctx, "environments", domain.ObjectEnvironment, id)
}
