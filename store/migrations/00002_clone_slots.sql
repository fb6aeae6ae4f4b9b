-- +goose Up
-- A clone slot is a lease on one concurrent clone of a node and a storage,
-- held by one workflow (holder = workflow id). AcquireCloneSlot counts the
-- unexpired slots of the node and of the storage under an advisory lock, so
-- every worker replica sees the same caps. An expired lease (its holder
-- crashed and nobody renewed it) no longer counts and is reclaimed.
CREATE TABLE clone_slots (
    holder      text PRIMARY KEY,
    node_id     uuid NOT NULL,
    storage     text NOT NULL,
    acquired_at timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX clone_slots_node_idx ON clone_slots (node_id, expires_at);
CREATE INDEX clone_slots_storage_idx ON clone_slots (storage, expires_at);

-- +goose Down
DROP TABLE clone_slots;
