-- +goose Up
-- Environment machines: how many each participant gets and how they are
-- cloned. Their connection templates move to a table of their own, with
-- the password sealed (AES-256-GCM) under a key named by password_key_id.
ALTER TABLE environment_machines
    ADD COLUMN count integer NOT NULL DEFAULT 1,
    ADD COLUMN clone_mode text NOT NULL DEFAULT 'linked',
    ADD CONSTRAINT environment_machines_count_check CHECK (count BETWEEN 1 AND 10),
    ADD CONSTRAINT environment_machines_clone_mode_check CHECK (clone_mode IN ('linked', 'full'));

CREATE TABLE environment_connections (
    environment_id      uuid NOT NULL,
    machine_position    integer NOT NULL,
    position            integer NOT NULL,
    protocol            text NOT NULL,
    port                integer NOT NULL DEFAULT 0,
    username            text NOT NULL DEFAULT '',
    password_key_id     text,
    password_ciphertext bytea,
    PRIMARY KEY (environment_id, machine_position, position),
    CONSTRAINT environment_connections_machine_fkey FOREIGN KEY (environment_id, machine_position)
        REFERENCES environment_machines (environment_id, position) ON DELETE CASCADE,
    CONSTRAINT environment_connections_protocol_check CHECK (protocol IN ('rdp', 'vnc', 'ssh')),
    CONSTRAINT environment_connections_port_check CHECK (port BETWEEN 0 AND 65535),
    CONSTRAINT environment_connections_password_check CHECK (
        (password_key_id IS NULL) = (password_ciphertext IS NULL))
);

INSERT INTO environment_connections (environment_id, machine_position, position, protocol, port)
SELECT environment_id, position, 0, protocol, port FROM environment_machines;

ALTER TABLE environment_machines
    DROP CONSTRAINT environment_machines_protocol_check,
    DROP COLUMN protocol,
    DROP COLUMN port;

-- Events: a short name that is part of every VM name, a description, an
-- optional end, lead time and transition period that may be left to the
-- configured defaults (NULL), the new lifecycle states, and the
-- environment as it was when the event deployed.
ALTER TABLE events
    ADD COLUMN short_name text,
    ADD COLUMN description text NOT NULL DEFAULT '',
    ADD COLUMN environment_snapshot jsonb,
    ALTER COLUMN ends_at DROP NOT NULL,
    ALTER COLUMN lead_time DROP NOT NULL,
    ALTER COLUMN lead_time DROP DEFAULT,
    ALTER COLUMN transition_period DROP NOT NULL,
    ALTER COLUMN transition_period DROP DEFAULT,
    DROP CONSTRAINT events_state_check;
UPDATE events SET short_name = 'e' || substr(md5(id::text), 1, 7);
UPDATE events SET state = 'planned' WHERE state = 'scheduled';
UPDATE events SET state = 'decommissioned' WHERE state = 'torn_down';
ALTER TABLE events
    ALTER COLUMN short_name SET NOT NULL,
    ALTER COLUMN state SET DEFAULT 'planned',
    ADD CONSTRAINT events_short_name_check CHECK (short_name ~ '^[a-z0-9_-]{4,8}$'),
    ADD CONSTRAINT events_state_check CHECK (state IN ('planned', 'deploying', 'ready', 'running', 'ended',
        'decommissioning', 'decommissioned', 'cancelled', 'deploy_failed')),
    ADD CONSTRAINT events_lead_time_check CHECK (lead_time IS NULL OR lead_time >= '0'),
    ADD CONSTRAINT events_transition_check CHECK (transition_period IS NULL OR transition_period >= '0'),
    ADD CONSTRAINT events_snapshot_check CHECK (
        environment_snapshot IS NULL OR jsonb_typeof(environment_snapshot) = 'object');
-- A short name is free again once its event holds nothing: decommissioned,
-- or cancelled before it deployed.
CREATE UNIQUE INDEX events_short_name_live_key ON events (short_name)
    WHERE state NOT IN ('decommissioned', 'cancelled');

-- Groups take part in events as participants or instructors; their
-- members are resolved when the event needs them.
CREATE TABLE event_groups (
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    group_id uuid NOT NULL,
    role     text NOT NULL DEFAULT 'participant',
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, group_id),
    CONSTRAINT event_groups_group_id_fkey FOREIGN KEY (group_id) REFERENCES groups (id),
    CONSTRAINT event_groups_role_check CHECK (role IN ('participant', 'instructor'))
);
CREATE INDEX event_groups_group_idx ON event_groups (group_id);

-- One row per VM an event gives a participant (machine name and index
-- below the machine's count): what the lifecycle workflow did about it.
CREATE TABLE event_items (
    event_id   uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL,
    machine    text NOT NULL,
    index      integer NOT NULL,
    vm_id      uuid,
    state      text NOT NULL DEFAULT 'pending',
    last_error text NOT NULL DEFAULT '',
    last_step  text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, user_id, machine, index),
    CONSTRAINT event_items_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT event_items_vm_id_fkey FOREIGN KEY (vm_id) REFERENCES vms (id) ON DELETE SET NULL,
    CONSTRAINT event_items_state_check CHECK (state IN ('pending', 'provisioning', 'ready', 'failed', 'removed')),
    CONSTRAINT event_items_index_check CHECK (index BETWEEN 0 AND 9)
);
CREATE INDEX event_items_updated_idx ON event_items (event_id, updated_at);
CREATE INDEX event_items_user_idx ON event_items (user_id);
CREATE INDEX event_items_vm_idx ON event_items (vm_id) WHERE vm_id IS NOT NULL;

-- Instructors see the groups they can hand to events.
INSERT INTO permissions (object_type, key, role) VALUES ('group', 'read', 'instructor');

-- +goose Down
DELETE FROM permissions WHERE object_type = 'group' AND key = 'read' AND role = 'instructor' AND object_id IS NULL;
DROP TABLE event_items;
DROP TABLE event_groups;
DROP INDEX events_short_name_live_key;
ALTER TABLE events
    DROP CONSTRAINT events_snapshot_check,
    DROP CONSTRAINT events_transition_check,
    DROP CONSTRAINT events_lead_time_check,
    DROP CONSTRAINT events_state_check,
    DROP CONSTRAINT events_short_name_check;
UPDATE events SET state = 'scheduled' WHERE state IN ('planned', 'ready', 'deploy_failed');
UPDATE events SET state = 'torn_down' WHERE state IN ('decommissioning', 'decommissioned');
UPDATE events SET ends_at = starts_at + interval '1 day' WHERE ends_at IS NULL;
UPDATE events SET lead_time = '0' WHERE lead_time IS NULL;
UPDATE events SET transition_period = '0' WHERE transition_period IS NULL;
ALTER TABLE events
    ALTER COLUMN state SET DEFAULT 'scheduled',
    ADD CONSTRAINT events_state_check CHECK (state IN ('scheduled', 'deploying', 'running', 'ended', 'torn_down', 'cancelled')),
    ALTER COLUMN transition_period SET DEFAULT '0',
    ALTER COLUMN transition_period SET NOT NULL,
    ALTER COLUMN lead_time SET DEFAULT '0',
    ALTER COLUMN lead_time SET NOT NULL,
    ALTER COLUMN ends_at SET NOT NULL,
    DROP COLUMN environment_snapshot,
    DROP COLUMN description,
    DROP COLUMN short_name;

ALTER TABLE environment_machines
    ADD COLUMN protocol text NOT NULL DEFAULT 'ssh',
    ADD COLUMN port integer NOT NULL DEFAULT 0;
UPDATE environment_machines m SET protocol = c.protocol, port = c.port
FROM environment_connections c
WHERE c.environment_id = m.environment_id AND c.machine_position = m.position AND c.position = 0;
ALTER TABLE environment_machines
    ALTER COLUMN protocol DROP DEFAULT,
    ADD CONSTRAINT environment_machines_protocol_check CHECK (protocol IN ('rdp', 'vnc', 'ssh'));
DROP TABLE environment_connections;
ALTER TABLE environment_machines
    DROP CONSTRAINT environment_machines_clone_mode_check,
    DROP CONSTRAINT environment_machines_count_check,
    DROP COLUMN clone_mode,
    DROP COLUMN count;
