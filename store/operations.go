package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

var _ domain.OperationStore = (*DB)(nil)

const operationColumns = `id, kind, target_type, target_id, workflow_id, run_id, state, step, error, skippable, result,
	COALESCE(requested_by, '00000000-0000-0000-0000-000000000000'), created_at, updated_at, completed_at`

func scanOperation(r rowScanner) (domain.Operation, error) {
	var op domain.Operation
	err := r.Scan(&op.ID, &op.Kind, &op.TargetType, &op.TargetID, &op.WorkflowID, &op.RunID, &op.State, &op.Step,
		&op.Error, &op.Skippable, &op.Result, &op.RequestedBy, &op.CreatedAt, &op.UpdatedAt, &op.CompletedAt)
	return op, err
}

// terminalStates is the SQL list of final operation states.
const terminalStates = `('completed', 'failed', 'aborted')`

// CreateOperation stores op, assigning ID (unless set), timestamps and, for
// an empty State, pending, and gives its requester the owner keys of
// operations (domain.OwnerKeys), in one transaction. A zero RequestedBy
// means the system. It returns KindConflict if an unfinished operation
// already uses op.WorkflowID or targets the same VM.
func (db *DB) CreateOperation(ctx context.Context, op *domain.Operation) error {
	return db.inTx(ctx, func(tx *DB) error {
		if err := tx.insertOperation(ctx, op); err != nil {
			return err
		}
		if op.RequestedBy == uuid.Nil {
			return nil
		}
		return tx.GrantOwner(ctx, domain.ObjectOperation, op.ID, op.RequestedBy)
	})
}

func (db *DB) insertOperation(ctx context.Context, op *domain.Operation) error {
	var v domain.Validator
	v.Check(op.Kind != "", "kind", "must name the kind of operation")
	v.Check(op.WorkflowID != "", "workflow_id", "must name the workflow")
	if err := v.Err(); err != nil {
		return err
	}
	if op.State == "" {
		op.State = domain.OpPending
	}
	err := db.q.QueryRow(ctx, `
		INSERT INTO operations (id, kind, target_type, target_id, workflow_id, run_id, state, step, error, result,
			requested_by, completed_at)
		VALUES (COALESCE($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
			CASE WHEN $7 IN `+terminalStates+` THEN now() END)
		RETURNING id, created_at, updated_at, completed_at`,
		nullID(op.ID), op.Kind, op.TargetType, op.TargetID, op.WorkflowID, op.RunID, op.State, op.Step, op.Error,
		op.Result, nullID(op.RequestedBy),
	).Scan(&op.ID, &op.CreatedAt, &op.UpdatedAt, &op.CompletedAt)
	return mapErr(err, "operation")
}

// FindOperation returns the operation or KindNotFound.
func (db *DB) FindOperation(ctx context.Context, id uuid.UUID) (*domain.Operation, error) {
	op, err := scanOperation(db.q.QueryRow(ctx, `SELECT `+operationColumns+` FROM operations WHERE id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "operation "+id.String())
	}
	return &op, nil
}

// FindOperationByWorkflowID returns the newest operation of the workflow
// or KindNotFound.
func (db *DB) FindOperationByWorkflowID(ctx context.Context, workflowID string) (*domain.Operation, error) {
	op, err := scanOperation(db.q.QueryRow(ctx, `SELECT `+operationColumns+` FROM operations
		WHERE workflow_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`, workflowID))
	if err != nil {
		return nil, mapErr(err, "operation of workflow "+quote(workflowID))
	}
	return &op, nil
}

// UpdateOperationProgress stores state, step, error, skippable (kept only
// while awaiting the operator), result and run id (an empty RunID keeps
// the stored one), refreshes UpdatedAt, sets CompletedAt when the state is
// terminal and records the report in the step history, in one
// transaction. It returns KindNotFound, or KindConflict when reopening the
// operation would give its workflow two unfinished ones.
func (db *DB) UpdateOperationProgress(ctx context.Context, op *domain.Operation) error {
	return db.inTx(ctx, func(tx *DB) error {
		op.Skippable = op.Skippable && op.State == domain.OpAwaitingOperator
		err := tx.q.QueryRow(ctx, `
			UPDATE operations SET state = $2, step = $3, error = $4, skippable = $5, result = $6,
				run_id = COALESCE(NULLIF($7, ''), run_id), updated_at = now(),
				completed_at = CASE WHEN $2 IN `+terminalStates+` THEN COALESCE(completed_at, now()) END
			WHERE id = $1
			RETURNING run_id, created_at, updated_at, completed_at`,
			op.ID, op.State, op.Step, op.Error, op.Skippable, op.Result, op.RunID,
		).Scan(&op.RunID, &op.CreatedAt, &op.UpdatedAt, &op.CompletedAt)
		if err != nil {
			return mapErr(err, "operation "+op.ID.String())
		}
		return tx.recordStep(ctx, op.ID, domain.StepReport{State: op.State, Step: op.Step, Error: op.Error}, op.UpdatedAt)
	})
}

// ListOperations returns operations newest first, and the cursor of the
// next page.
func (db *DB) ListOperations(ctx context.Context, f domain.OperationFilter) ([]domain.Operation, string, error) {
	var c conds
	if f.State != "" {
		c.add("state = %s", f.State)
	}
	if f.Unfinished {
		c.add("state NOT IN ('completed', 'failed', 'aborted')")
	}
	if f.Kind != "" {
		c.add("kind = %s", f.Kind)
	}
	if f.TargetType != "" {
		c.add("target_type = %s", f.TargetType)
	}
	if f.TargetID != "" {
		c.add("target_id = %s", f.TargetID)
	}
	if f.RequestedBy != nil {
		c.add("requested_by = %s", *f.RequestedBy)
	}
	return list(ctx, db, listQuery[domain.Operation]{
		from: "operations", columns: operationColumns, orderBy: "created_at DESC, id DESC", what: "operations",
		after: func(c *conds, at cursor) { c.add("(created_at, id) < (%s, %s)", at.T, at.ID) },
		scan:  scanOperation,
		key:   func(op *domain.Operation) cursor { return cursor{T: op.CreatedAt, ID: op.ID} },
	}, c, f.Page)
}
