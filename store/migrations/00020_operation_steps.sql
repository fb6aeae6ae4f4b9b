-- +goose Up
-- The steps each operation went through, for the console's progress
-- view: the store records every progress report of an operation's
-- workflow here (domain.ApplyStepReport), in the transaction that updates
-- the operation. seq orders an operation's steps.
CREATE TABLE operation_steps (
    operation_id uuid NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
    seq          integer NOT NULL,
    name         text NOT NULL,
    state        text NOT NULL,
    error        text NOT NULL DEFAULT '',
    attempts     integer NOT NULL DEFAULT 1,
    started_at   timestamptz NOT NULL,
    ended_at     timestamptz,
    PRIMARY KEY (operation_id, seq),
    CONSTRAINT operation_steps_state_check CHECK (
        state IN ('running', 'awaiting_operator', 'succeeded', 'failed', 'skipped', 'aborted')),
    CONSTRAINT operation_steps_attempts_check CHECK (attempts >= 1)
);

-- Whether the operator may skip the step an operation awaits them on.
ALTER TABLE operations ADD COLUMN skippable boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE operations DROP COLUMN skippable;
DROP TABLE operation_steps;
