-- +goose Up
-- A container is made from a CT template volume or an OCI image
-- reference (source), with swap, environment variables and root's SSH
-- keys. "missing" is a container Proxmox lost without Labforge deleting it.
ALTER TABLE containers RENAME COLUMN os_template TO source;
ALTER TABLE containers
    ADD COLUMN swap_mb integer NOT NULL DEFAULT 512,
    ADD COLUMN env jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN ssh_keys text[] NOT NULL DEFAULT '{}',
    ADD CONSTRAINT containers_swap_check CHECK (swap_mb BETWEEN 0 AND 262144),
    ADD CONSTRAINT containers_env_check CHECK (jsonb_typeof(env) = 'object'),
    DROP CONSTRAINT containers_state_check,
    ADD CONSTRAINT containers_state_check CHECK (
        state IN ('pending', 'provisioning', 'ready', 'failed', 'missing', 'deleting', 'deleted'));

-- An HTTP service is proxied to its container over http or https, and may
-- later require sign-in (reserved).
ALTER TABLE services
    ADD COLUMN backend text,
    ADD COLUMN auth_required boolean NOT NULL DEFAULT false;
UPDATE services SET backend = 'http' WHERE protocol = 'http';
ALTER TABLE services
    ADD CONSTRAINT services_backend_check CHECK (
        (protocol = 'http' AND backend IN ('http', 'https')) OR (protocol <> 'http' AND backend IS NULL));

-- At most one unfinished operation per container, as per VM.
CREATE UNIQUE INDEX operations_container_unfinished_key ON operations (target_id)
    WHERE target_type = 'container' AND state NOT IN ('completed', 'failed', 'aborted');

-- +goose Down
DROP INDEX operations_container_unfinished_key;
ALTER TABLE services
    DROP CONSTRAINT services_backend_check,
    DROP COLUMN auth_required,
    DROP COLUMN backend;
UPDATE containers SET state = 'failed' WHERE state = 'missing';
ALTER TABLE containers
    DROP CONSTRAINT containers_state_check,
    ADD CONSTRAINT containers_state_check CHECK (
        state IN ('pending', 'provisioning', 'ready', 'failed', 'deleting', 'deleted')),
    DROP CONSTRAINT containers_env_check,
    DROP CONSTRAINT containers_swap_check,
    DROP COLUMN ssh_keys,
    DROP COLUMN env,
    DROP COLUMN swap_mb;
ALTER TABLE containers RENAME COLUMN source TO os_template;
