-- +goose Up
-- A site's gateway host receives outside traffic on external_ip and
-- publishes TCP/UDP services on ports of its external port pool. Existing
-- sites start with their gateway address as external IP: review them.
ALTER TABLE sites
    ADD COLUMN external_ip inet,
    ADD COLUMN external_port_first integer NOT NULL DEFAULT 2000,
    ADD COLUMN external_port_last integer NOT NULL DEFAULT 2999;
UPDATE sites SET external_ip = gateway;
ALTER TABLE sites
    ALTER COLUMN external_ip SET NOT NULL,
    ADD CONSTRAINT sites_external_ip_check CHECK (family(external_ip) = 4 AND masklen(external_ip) = 32),
    ADD CONSTRAINT sites_external_ports_check CHECK (
        external_port_first BETWEEN 1024 AND 65535
        AND external_port_last BETWEEN 1024 AND 65535
        AND external_port_first <= external_port_last);
-- The gateway sits outside the DHCP range, and the range holds neither
-- the network nor the broadcast address. Rows stored before these rules
-- are not rechecked (NOT VALID); every insert and update is.
ALTER TABLE sites
    ADD CONSTRAINT sites_gateway_check CHECK (gateway < dhcp_start OR gateway > dhcp_end) NOT VALID,
    ADD CONSTRAINT sites_dhcp_hosts_check CHECK (
        dhcp_start > host(network(cidr))::inet AND dhcp_end < host(broadcast(cidr))::inet) NOT VALID;

-- A DNS name under which a site's gateway publishes HTTP services, with the
-- TLS certificate and key files on the gateway host.
CREATE TABLE external_domains (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL,
    cert_path  text NOT NULL,
    key_path   text NOT NULL,
    site_id    uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT external_domains_name_key UNIQUE (name),
    CONSTRAINT external_domains_site_id_fkey FOREIGN KEY (site_id) REFERENCES sites (id),
    CONSTRAINT external_domains_name_check CHECK (name ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$'),
    CONSTRAINT external_domains_paths_check CHECK (
        cert_path ~ '^/[^[:space:][:cntrl:]"''`;{}$\\#]+$' AND key_path ~ '^/[^[:space:][:cntrl:]"''`;{}$\\#]+$')
);
CREATE INDEX external_domains_site_idx ON external_domains (site_id, name);

-- The site whose network a node serves, if any.
ALTER TABLE nodes
    ADD COLUMN site_id uuid,
    ADD CONSTRAINT nodes_site_id_fkey FOREIGN KEY (site_id) REFERENCES sites (id);
CREATE INDEX nodes_site_idx ON nodes (site_id) WHERE site_id IS NOT NULL;

-- Everyone signed in may read external domains, as they may read sites;
-- domain.SeedPermissions holds the same grants.
INSERT INTO permissions (object_type, key, role) VALUES
    ('external_domain', 'read', 'instructor'),
    ('external_domain', 'read', 'participant');

-- +goose Down
DELETE FROM permissions WHERE object_type = 'external_domain' AND object_id IS NULL
    AND key = 'read' AND role IN ('instructor', 'participant');
DROP INDEX nodes_site_idx;
ALTER TABLE nodes DROP COLUMN site_id;
DROP TABLE external_domains;
ALTER TABLE sites
    DROP CONSTRAINT sites_dhcp_hosts_check,
    DROP CONSTRAINT sites_gateway_check,
    DROP COLUMN external_port_last,
    DROP COLUMN external_port_first,
    DROP COLUMN external_ip;
