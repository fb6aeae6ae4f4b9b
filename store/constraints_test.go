package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

// TestEveryConstraintHasAMessage keeps errors.go in step with the schema:
// each unique key, foreign key and check a user can trip has a message.
func TestEveryConstraintHasAMessage(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	rows, err := db.Pool().Query(ctx, `
		SELECT c.conname, c.contype::text || c.confdeltype::text FROM pg_constraint c
		JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = 'public' AND t.relname <> 'goose_db_version' AND c.contype IN ('u', 'f', 'c', 'p')
		UNION
		SELECT i.relname, 'u ' FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
		WHERE n.nspname = 'public' AND x.indisunique AND NOT x.indisprimary
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`)
	require.NoError(t, err)
	defer rows.Close()
	// Primary keys that are generated ids, and constraints whose violation
	// the store prevents before PostgreSQL sees it.
	exempt := map[string]bool{
		"users_pkey": true, "permissions_pkey": true, "groups_pkey": true, "sites_pkey": true, "nodes_pkey": true,
		"vm_templates_pkey": true, "environments_pkey": true, "events_pkey": true, "vms_pkey": true,
		"containers_pkey": true, "services_pkey": true, "operations_pkey": true, "environment_machines_pkey": true,
		"external_domains_pkey": true,
		"nodes_id_cluster_key":  true, "containers_site_id_id_key": true,
		// Clone slots are upserted per holder under an advisory lock.
		"clone_slots_pkey": true,
		// Templates are upserted by key; log entries are created idempotently by id.
		"email_templates_pkey": true, "email_log_pkey": true,
		// API keys get generated ids; Idempotency-Keys are claimed with ON CONFLICT.
		"api_keys_pkey": true, "idempotency_keys_pkey": true,
		// Link tokens are 256 random bits.
		"invitations_pkey": true, "invitations_token_hash_key": true, "password_resets_pkey": true,
		// Audit records get generated UUIDv7 ids.
		"audit_outbox_pkey": true,
	}
	var missing []string
	seen := 0
	for rows.Next() {
		var name, kind string
		require.NoError(t, rows.Scan(&name, &kind))
		seen++
		if !exempt[name] && !store.HasMessage(name, kind[0], false) {
			missing = append(missing, kind+" "+name)
		}
		// A foreign key without ON DELETE CASCADE blocks deletes of its parent.
		if kind == "fa" && !store.HasMessage(name, 'f', true) {
			missing = append(missing, "delete "+name)
		}
	}
	require.NoError(t, rows.Err())
	require.Greater(t, seen, 60, "the catalog query finds the schema's constraints")
	require.Empty(t, missing, "add these constraints to store/errors.go")
}
