package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// environmentColumns reads the machines, each with its connection
// templates, as one JSON array in order; their JSON names are
// domain.EnvironmentMachine's and domain.ConnectionTemplate's (bytea
// becomes base64, as encoding/json reads []byte).
const environmentColumns = `e.id, e.name, e.description, e.owner_id, e.moodle_template_course, e.created_at, e.updated_at,
	COALESCE((SELECT jsonb_agg(jsonb_build_object(
			'template_id', m.template_id, 'name', m.name, 'count', m.count, 'clone_mode', m.clone_mode,
			'cores', m.cores, 'memory_mb', m.memory_mb,
			'connections', COALESCE((SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
					'protocol', c.protocol, 'port', c.port, 'username', c.username,
					'password_sealed', CASE WHEN c.password_key_id IS NOT NULL THEN jsonb_build_object(
						'key_id', c.password_key_id, 'ciphertext', encode(c.password_ciphertext, 'base64')) END))
					ORDER BY c.position)
				FROM environment_connections c
				WHERE c.environment_id = m.environment_id AND c.machine_position = m.position), '[]'))
			ORDER BY m.position)
		FROM environment_machines m WHERE m.environment_id = e.id), '[]')`

func scanEnvironment(r rowScanner) (domain.Environment, error) {
	var e domain.Environment
	err := r.Scan(&e.ID, &e.Name, &e.Description, &e.OwnerID, &e.MoodleTemplateCourse, &e.CreatedAt, &e.UpdatedAt,
		&e.Machines)
	return e, err
}

// CreateEnvironment stores e with its machines and connection templates
// and grants its owner domain.OwnerKeys, in one transaction, assigning ID
// (unless set) and timestamps. It returns KindInvalid for invalid fields,
// an unknown owner or template.
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
		if err := tx.GrantOwner(ctx, domain.ObjectEnvironment, e.ID, e.OwnerID); err != nil {
			return err
		}
		return tx.setMachines(ctx, e)
	})
}

// setMachines replaces the environment's machines and their connection
// templates with e.Machines, in order.
func (db *DB) setMachines(ctx context.Context, e *domain.Environment) error {
	if _, err := db.q.Exec(ctx, `DELETE FROM environment_machines WHERE environment_id = $1`, e.ID); err != nil {
		return mapErr(err, "environment "+e.ID.String())
	}
	n := len(e.Machines)
	templates, names, modes := make([]uuid.UUID, n), make([]string, n), make([]string, n)
	counts, cores, memory := make([]int, n), make([]int, n), make([]int, n)
	for i, m := range e.Machines {
		templates[i], names[i], modes[i] = m.TemplateID, m.Name, string(m.CloneMode)
		counts[i], cores[i], memory[i] = m.Count, m.Cores, m.MemoryMB
	}
	_, err := db.q.Exec(ctx, `
		INSERT INTO environment_machines (environment_id, position, template_id, name, count, clone_mode, cores, memory_mb)
		SELECT $1, m.ord - 1, m.template_id, m.name, m.count, m.clone_mode, m.cores, m.memory_mb
		FROM unnest($2::uuid[], $3::text[], $4::int[], $5::text[], $6::int[], $7::int[])
			WITH ORDINALITY AS m(template_id, name, count, clone_mode, cores, memory_mb, ord)`,
		e.ID, templates, names, counts, modes, cores, memory)
	if err != nil {
		return mapErr(err, "environment "+e.ID.String())
	}
	return db.insertConnections(ctx, e)
}

// insertConnections stores every machine's connection templates.
func (db *DB) insertConnections(ctx context.Context, e *domain.Environment) error {
	var machines, positions, ports []int
	var protocols, usernames []string
	var keyIDs []*string
	var ciphertexts [][]byte
	for i, m := range e.Machines {
		for j, c := range m.Connections {
			machines, positions, ports = append(machines, i), append(positions, j), append(ports, c.Port)
			protocols, usernames = append(protocols, c.Protocol), append(usernames, c.Username)
			var keyID *string
			var ciphertext []byte
			if c.Password != nil {
				keyID, ciphertext = &c.Password.KeyID, c.Password.Ciphertext
			}
			keyIDs, ciphertexts = append(keyIDs, keyID), append(ciphertexts, ciphertext)
		}
	}
	if len(machines) == 0 {
		return nil
	}
	_, err := db.q.Exec(ctx, `
		INSERT INTO environment_connections (environment_id, machine_position, position, protocol, port, username,
			password_key_id, password_ciphertext)
		SELECT $1, c.machine, c.position, c.protocol, c.port, c.username, c.key_id, c.ciphertext
		FROM unnest($2::int[], $3::int[], $4::text[], $5::int[], $6::text[], $7::text[], $8::bytea[])
			AS c(machine, position, protocol, port, username, key_id, ciphertext)`,
		e.ID, machines, positions, protocols, ports, usernames, keyIDs, ciphertexts)
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
	if f.VisibleTo != nil {
		c.add(`(e.owner_id = %[1]s OR EXISTS (SELECT 1 FROM permissions p
			WHERE p.object_type = 'environment' AND p.object_id = e.id AND (p.user_id = %[1]s
				OR p.group_id IN (SELECT group_id FROM group_members WHERE user_id = %[1]s))))`, *f.VisibleTo)
	}
	return list(ctx, db, listQuery[domain.Environment]{
		from: "environments e", columns: environmentColumns, orderBy: "e.name, e.id", what: "environments",
		after: func(c *conds, at cursor) { c.add("(e.name, e.id) > (%s, %s)", at.S, at.ID) },
		scan:  scanEnvironment,
		key:   func(e *domain.Environment) cursor { return cursor{S: e.Name, ID: e.ID} },
	}, c, f.Page)
}

// UpdateEnvironment stores name, description, owner, Moodle course and
// machines with their connection templates (replacing them), refreshing
// UpdatedAt. It returns KindNotFound or KindInvalid.
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

var _ domain.EnvironmentStore = (*DB)(nil)
