-- +goose Up
-- The Guacamole connections Labforge made for an event: one per
-- participant, VM and connection template (its position among the VM
-- machine's connection templates), with Guacamole's identifier, so that
-- the end of the event revokes them and its teardown deletes them.
CREATE TABLE event_connections (
    event_id          uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id           uuid NOT NULL REFERENCES users (id),
    vm_id             uuid NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
    template_position integer NOT NULL,
    guacamole_user    text NOT NULL,
    guacamole_id      text NOT NULL,
    name              text NOT NULL,
    state             text NOT NULL DEFAULT 'active',
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, vm_id, template_position),
    CONSTRAINT event_connections_state_check CHECK (state IN ('active', 'revoked', 'deleted')),
    CONSTRAINT event_connections_position_check CHECK (template_position >= 0),
    CONSTRAINT event_connections_guacamole_check CHECK (guacamole_id <> '' AND guacamole_user <> '')
);
CREATE INDEX event_connections_user_idx ON event_connections (event_id, user_id);

-- The Moodle course Labforge copied from the environment's template for
-- the event; NULL until it is copied, and again once it is deleted.
ALTER TABLE events ADD COLUMN moodle_course_id integer
    CONSTRAINT events_moodle_course_check CHECK (moodle_course_id > 0);

-- +goose Down
ALTER TABLE events DROP COLUMN moodle_course_id;
DROP TABLE event_connections;
