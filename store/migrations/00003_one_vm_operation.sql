-- +goose Up
-- At most one unfinished operation per VM, whatever its workflow (clone,
-- power action, delete): the API's check for a running operation and its
-- insert of the new one cannot race past each other.
CREATE UNIQUE INDEX operations_vm_unfinished_key ON operations (target_id)
    WHERE target_type = 'vm' AND state NOT IN ('completed', 'failed', 'aborted');

-- +goose Down
DROP INDEX operations_vm_unfinished_key;
