-- Labforge's entities. Constraint names matter: store/errors.go turns a
-- violated constraint into a message that names what is taken or missing.

-- +goose Up

-- Roles bundle permissions. The built-in ones cannot be deleted.
CREATE TABLE roles (
    name        text PRIMARY KEY,
    description text NOT NULL DEFAULT '',
    builtin     boolean NOT NULL DEFAULT false,
    CONSTRAINT roles_name_check CHECK (name ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$')
);

INSERT INTO roles (name, description, builtin) VALUES
    ('admin', 'Full control of every object and setting.', true),
    ('instructor', 'Creates environments and events and runs them for participants.', true),
    ('participant', 'Uses the VMs and containers given to them.', true);

CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    username      text NOT NULL,
    email         text NOT NULL,
    display_name  text NOT NULL DEFAULT '',
    source        text NOT NULL,
    disabled      boolean NOT NULL DEFAULT false,
    password_hash text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_username_key UNIQUE (username),
    CONSTRAINT users_source_check CHECK (source IN ('local', 'ldap', 'oidc'))
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE user_roles (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    text NOT NULL,
    PRIMARY KEY (user_id, role),
    CONSTRAINT user_roles_role_fkey FOREIGN KEY (role) REFERENCES roles (name) ON DELETE CASCADE
);
CREATE INDEX user_roles_role_idx ON user_roles (role);

-- A permission grants key on one object (object_id) or on every object of a
-- type (object_id NULL; object_type '*' is every type) to one user or to
-- everyone holding a role.
CREATE TABLE permissions (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    object_type text NOT NULL,
    object_id   uuid,
    key         text NOT NULL,
    user_id     uuid,
    role        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT permissions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT permissions_role_fkey FOREIGN KEY (role) REFERENCES roles (name) ON DELETE CASCADE,
    CONSTRAINT permissions_one_grantee CHECK ((user_id IS NULL) <> (role IS NULL))
);
-- Granting the same permission twice finds the first grant.
CREATE UNIQUE INDEX permissions_grant_key ON permissions (
    object_type,
    COALESCE(object_id, '00000000-0000-0000-0000-000000000000'),
    key,
    COALESCE(user_id, '00000000-0000-0000-0000-000000000000'),
    COALESCE(role, '')
);
CREATE INDEX permissions_object_idx ON permissions (object_type, object_id);
CREATE INDEX permissions_user_idx ON permissions (user_id) WHERE user_id IS NOT NULL;

-- domain.SeedPermissions; permissions_test.go keeps the two in step.
INSERT INTO permissions (object_type, key, role) VALUES
    ('*', 'full', 'admin'),
    ('environment', 'create', 'instructor'),
    ('event', 'create', 'instructor'),
    ('vm', 'create', 'instructor'),
    ('template', 'read', 'instructor'),
    ('site', 'read', 'instructor'),
    ('container', 'create', 'instructor'),
    ('site', 'read', 'participant'),
    ('container', 'create', 'participant');

CREATE TABLE groups (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT groups_name_key UNIQUE (name)
);

CREATE TABLE group_members (
    group_id uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id  uuid NOT NULL,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, user_id),
    CONSTRAINT group_members_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX group_members_user_idx ON group_members (user_id);

-- A site is a network for self-service containers.
CREATE TABLE sites (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name            text NOT NULL,
    cidr            cidr NOT NULL,
    gateway         inet NOT NULL,
    dhcp_start      inet NOT NULL,
    dhcp_end        inet NOT NULL,
    internal_domain text NOT NULL,
    dns_forwarders  inet[] NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sites_name_key UNIQUE (name),
    CONSTRAINT sites_addresses_check CHECK (
        family(cidr) = 4
        AND gateway << cidr AND dhcp_start << cidr AND dhcp_end << cidr
        AND dhcp_start <= dhcp_end)
);

-- A Proxmox VE node and the API token Labforge uses for it. token_secret
-- never leaves the server.
CREATE TABLE nodes (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name              text NOT NULL,
    cluster           text NOT NULL,
    endpoint          text NOT NULL,
    token_id          text NOT NULL,
    token_secret      text NOT NULL,
    tls_fingerprint   text NOT NULL DEFAULT '',
    tls_ca_file       text NOT NULL DEFAULT '',
    tls_insecure      boolean NOT NULL DEFAULT false,
    storages          text[] NOT NULL DEFAULT '{}',
    bridge            text NOT NULL DEFAULT '',
    clone_concurrency integer NOT NULL DEFAULT 2,
    status            text NOT NULL DEFAULT 'unknown',
    max_cpu           integer NOT NULL DEFAULT 0,
    max_memory_bytes  bigint NOT NULL DEFAULT 0,
    used_memory_bytes bigint NOT NULL DEFAULT 0,
    synced_at         timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT nodes_cluster_name_key UNIQUE (cluster, name),
    CONSTRAINT nodes_id_cluster_key UNIQUE (id, cluster),
    CONSTRAINT nodes_clone_concurrency_check CHECK (clone_concurrency BETWEEN 1 AND 64),
    CONSTRAINT nodes_status_check CHECK (status IN ('unknown', 'online', 'offline'))
);

-- A Proxmox template found by inventory sync, in its node's cluster.
CREATE TABLE vm_templates (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    node_id    uuid NOT NULL,
    cluster    text NOT NULL,
    vmid       integer NOT NULL,
    kind       text NOT NULL,
    name       text NOT NULL,
    os_type    text NOT NULL DEFAULT '',
    cores      integer NOT NULL DEFAULT 0,
    memory_mb  integer NOT NULL DEFAULT 0,
    disk_gb    integer NOT NULL DEFAULT 0,
    storage    text NOT NULL DEFAULT '',
    linked     boolean NOT NULL DEFAULT false,
    status     text NOT NULL DEFAULT '',
    synced_at  timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT vm_templates_cluster_vmid_key UNIQUE (cluster, vmid),
    CONSTRAINT vm_templates_node_fkey FOREIGN KEY (node_id, cluster) REFERENCES nodes (id, cluster)
        ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT vm_templates_vmid_check CHECK (vmid BETWEEN 100 AND 999999999),
    CONSTRAINT vm_templates_kind_check CHECK (kind IN ('qemu', 'lxc'))
);

CREATE TABLE environments (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                   text NOT NULL,
    description            text NOT NULL DEFAULT '',
    owner_id               uuid NOT NULL,
    moodle_template_course integer NOT NULL DEFAULT 0,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT environments_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users (id),
    CONSTRAINT environments_moodle_check CHECK (moodle_template_course >= 0)
);
CREATE INDEX environments_owner_idx ON environments (owner_id);

-- The machines every participant of an environment's events receives, in order.
CREATE TABLE environment_machines (
    environment_id uuid NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    position       integer NOT NULL,
    template_id    uuid NOT NULL,
    name           text NOT NULL,
    protocol       text NOT NULL,
    port           integer NOT NULL DEFAULT 0,
    cores          integer NOT NULL DEFAULT 0,
    memory_mb      integer NOT NULL DEFAULT 0,
    PRIMARY KEY (environment_id, position),
    CONSTRAINT environment_machines_name_key UNIQUE (environment_id, name),
    CONSTRAINT environment_machines_template_id_fkey FOREIGN KEY (template_id) REFERENCES vm_templates (id),
    CONSTRAINT environment_machines_protocol_check CHECK (protocol IN ('rdp', 'vnc', 'ssh'))
);
CREATE INDEX environment_machines_template_idx ON environment_machines (template_id);

CREATE TABLE events (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name              text NOT NULL,
    environment_id    uuid NOT NULL,
    owner_id          uuid NOT NULL,
    starts_at         timestamptz NOT NULL,
    ends_at           timestamptz NOT NULL,
    lead_time         interval NOT NULL DEFAULT '0',
    transition_period interval NOT NULL DEFAULT '0',
    state             text NOT NULL DEFAULT 'scheduled',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_environment_id_fkey FOREIGN KEY (environment_id) REFERENCES environments (id),
    CONSTRAINT events_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users (id),
    CONSTRAINT events_schedule_check CHECK (ends_at > starts_at),
    CONSTRAINT events_state_check CHECK (state IN ('scheduled', 'deploying', 'running', 'ended', 'torn_down', 'cancelled'))
);
CREATE INDEX events_starts_idx ON events (starts_at, id);
CREATE INDEX events_owner_idx ON events (owner_id);
CREATE INDEX events_environment_idx ON events (environment_id);

CREATE TABLE event_participants (
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id  uuid NOT NULL,
    role     text NOT NULL DEFAULT 'participant',
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, user_id),
    CONSTRAINT event_participants_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT event_participants_role_check CHECK (role IN ('participant', 'instructor'))
);
CREATE INDEX event_participants_user_idx ON event_participants (user_id);

-- Proxmox VMIDs Labforge handed out, one owner (a VM or container) each.
-- The primary key makes allocating one VMID twice in a cluster impossible.
CREATE TABLE vmid_allocations (
    cluster      text NOT NULL,
    vmid         integer NOT NULL,
    owner_type   text NOT NULL,
    owner_id     uuid NOT NULL,
    allocated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cluster, vmid),
    CONSTRAINT vmid_allocations_owner_key UNIQUE (cluster, owner_id),
    CONSTRAINT vmid_allocations_vmid_owner_key UNIQUE (cluster, vmid, owner_id),
    CONSTRAINT vmid_allocations_vmid_check CHECK (vmid BETWEEN 100 AND 999999999),
    CONSTRAINT vmid_allocations_owner_type_check CHECK (owner_type <> '')
);

CREATE TABLE vms (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    owner_id    uuid NOT NULL,
    event_id    uuid,
    template_id uuid NOT NULL,
    node_id     uuid,
    cluster     text NOT NULL DEFAULT '',
    vmid        integer,
    linked      boolean NOT NULL DEFAULT false,
    cores       integer NOT NULL DEFAULT 0,
    memory_mb   integer NOT NULL DEFAULT 0,
    state       text NOT NULL DEFAULT 'pending',
    power       text NOT NULL DEFAULT 'unknown',
    ipv4        inet,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT vms_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users (id),
    CONSTRAINT vms_event_id_fkey FOREIGN KEY (event_id) REFERENCES events (id),
    CONSTRAINT vms_template_id_fkey FOREIGN KEY (template_id) REFERENCES vm_templates (id),
    CONSTRAINT vms_node_id_fkey FOREIGN KEY (node_id) REFERENCES nodes (id),
    -- A VM can only carry a VMID allocated to it.
    CONSTRAINT vms_vmid_fkey FOREIGN KEY (cluster, vmid, id) REFERENCES vmid_allocations (cluster, vmid, owner_id),
    CONSTRAINT vms_state_check CHECK (state IN ('pending', 'provisioning', 'ready', 'failed', 'deleting', 'deleted')),
    CONSTRAINT vms_power_check CHECK (power IN ('unknown', 'running', 'stopped', 'paused'))
);
CREATE INDEX vms_created_idx ON vms (created_at, id);
CREATE INDEX vms_owner_idx ON vms (owner_id);
CREATE INDEX vms_event_idx ON vms (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX vms_template_idx ON vms (template_id);

CREATE TABLE containers (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hostname    text NOT NULL,
    owner_id    uuid NOT NULL,
    site_id     uuid NOT NULL,
    node_id     uuid,
    cluster     text NOT NULL DEFAULT '',
    vmid        integer,
    os_template text NOT NULL,
    cores       integer NOT NULL,
    memory_mb   integer NOT NULL,
    disk_gb     integer NOT NULL,
    state       text NOT NULL DEFAULT 'pending',
    power       text NOT NULL DEFAULT 'unknown',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT containers_site_id_id_key UNIQUE (site_id, id),
    CONSTRAINT containers_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users (id),
    CONSTRAINT containers_site_id_fkey FOREIGN KEY (site_id) REFERENCES sites (id),
    CONSTRAINT containers_node_id_fkey FOREIGN KEY (node_id) REFERENCES nodes (id),
    CONSTRAINT containers_vmid_fkey FOREIGN KEY (cluster, vmid, id) REFERENCES vmid_allocations (cluster, vmid, owner_id),
    CONSTRAINT containers_state_check CHECK (state IN ('pending', 'provisioning', 'ready', 'failed', 'deleting', 'deleted')),
    CONSTRAINT containers_power_check CHECK (power IN ('unknown', 'running', 'stopped', 'paused'))
);
-- A hostname names one live container per site (its DNS record).
CREATE UNIQUE INDEX containers_site_hostname_key ON containers (site_id, hostname) WHERE state <> 'deleted';
CREATE INDEX containers_created_idx ON containers (created_at, id);
CREATE INDEX containers_owner_idx ON containers (owner_id);

-- The address and MAC reserved for a container; its first DHCP lease is
-- its final address. Keys make a double allocation impossible.
CREATE TABLE ip_allocations (
    site_id      uuid NOT NULL,
    ip           inet NOT NULL,
    mac          macaddr NOT NULL,
    container_id uuid NOT NULL,
    allocated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, ip),
    CONSTRAINT ip_allocations_mac_key UNIQUE (mac),
    CONSTRAINT ip_allocations_container_key UNIQUE (container_id),
    CONSTRAINT ip_allocations_container_fkey FOREIGN KEY (site_id, container_id)
        REFERENCES containers (site_id, id) ON DELETE CASCADE,
    CONSTRAINT ip_allocations_ip_check CHECK (family(ip) = 4 AND masklen(ip) = 32)
);

-- A container port exposed through its site's gateway.
CREATE TABLE services (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    container_id      uuid NOT NULL,
    site_id           uuid NOT NULL,
    protocol          text NOT NULL,
    internal_port     integer NOT NULL,
    external_port     integer,
    external_hostname text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT services_container_fkey FOREIGN KEY (site_id, container_id)
        REFERENCES containers (site_id, id) ON DELETE CASCADE,
    -- NULL ports (HTTP services) do not collide.
    CONSTRAINT services_external_port_key UNIQUE (site_id, protocol, external_port),
    CONSTRAINT services_protocol_check CHECK (protocol IN ('http', 'tcp', 'udp')),
    CONSTRAINT services_internal_port_check CHECK (internal_port BETWEEN 1 AND 65535),
    CONSTRAINT services_external_port_check CHECK (external_port BETWEEN 1 AND 65535),
    CONSTRAINT services_http_hostname_check CHECK (protocol <> 'http' OR external_hostname IS NOT NULL)
);
CREATE UNIQUE INDEX services_external_hostname_key ON services (site_id, lower(external_hostname))
    WHERE external_hostname IS NOT NULL;
CREATE INDEX services_container_idx ON services (container_id);

-- The record of every long-running operation (a Temporal workflow run).
CREATE TABLE operations (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind         text NOT NULL,
    target_type  text NOT NULL,
    target_id    text NOT NULL,
    workflow_id  text NOT NULL,
    run_id       text NOT NULL DEFAULT '',
    state        text NOT NULL,
    step         text NOT NULL DEFAULT '',
    error        text NOT NULL DEFAULT '',
    result       jsonb,
    requested_by uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    CONSTRAINT operations_state_check CHECK (
        state IN ('pending', 'running', 'awaiting_operator', 'completed', 'failed', 'aborted'))
);
-- One unfinished operation per workflow id.
CREATE UNIQUE INDEX operations_workflow_unfinished_key ON operations (workflow_id)
    WHERE state NOT IN ('completed', 'failed', 'aborted');
CREATE INDEX operations_workflow_idx ON operations (workflow_id, created_at);
CREATE INDEX operations_created_idx ON operations (created_at, id);
CREATE INDEX operations_target_idx ON operations (target_type, target_id);

-- +goose Down
DROP TABLE operations;
DROP TABLE services;
DROP TABLE ip_allocations;
DROP TABLE containers;
DROP TABLE vms;
DROP TABLE vmid_allocations;
DROP TABLE event_participants;
DROP TABLE events;
DROP TABLE environment_machines;
DROP TABLE environments;
DROP TABLE vm_templates;
DROP TABLE nodes;
DROP TABLE sites;
DROP TABLE group_members;
DROP TABLE groups;
DROP TABLE permissions;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE roles;
