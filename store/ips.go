package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"net"
	"net/netip"
	"net/url"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/labforge/labforge/domain"
)

// macPrefix is the OUI Proxmox VE uses for the MACs it generates.
var macPrefix = net.HardwareAddr{0xbc, 0x24, 0x11}

// lowestFreeIP finds the lowest address of site $1's DHCP range that is
// neither allocated, nor the gateway, network or broadcast address, nor
// one of the addresses $2 (text[]) holds.
const lowestFreeIP = `
	WITH s AS (
		SELECT set_masklen(dhcp_start, 32) AS first, set_masklen(dhcp_end, 32) AS last,
			ARRAY[set_masklen(gateway, 32), set_masklen(network(cidr)::inet, 32),
				set_masklen(broadcast(cidr), 32)] AS reserved
		FROM sites WHERE id = $1
	), taken AS (
		SELECT a.ip FROM ip_allocations a, s WHERE a.site_id = $1 AND a.ip BETWEEN s.first AND s.last
		UNION
		SELECT unnest(s.reserved) FROM s
		UNION
		SELECT set_masklen(unnest($2::text[])::inet, 32)
	)
	SELECT c.ip FROM (
		SELECT first AS ip FROM s
		UNION ALL
		SELECT ip + 1 FROM taken
	) c, s
	WHERE c.ip BETWEEN s.first AND s.last AND c.ip NOT IN (SELECT ip FROM taken)
	ORDER BY c.ip LIMIT 1`

// AllocateIP reserves, in one transaction, the lowest free address of the
// site's DHCP range that no registered node uses (see nodeAddrs) and a MAC
// for a container of that site, and returns the address. With mac "" a
// random MAC with the Proxmox prefix BC:24:11 is chosen; read it back from
// the container. A container that already holds an address gets it back,
// so a retried activity never reserves two; asking for it with a
// different MAC is KindConflict. Concurrent callers get distinct
// addresses. It returns KindNotFound for an unknown site,
// KindInvalid for a bad MAC or a container of another site, and
// KindConflict when the range is full or the MAC is taken.
func (db *DB) AllocateIP(ctx context.Context, siteID, containerID uuid.UUID, mac string) (netip.Addr, error) {
	var hw net.HardwareAddr
	if mac != "" {
		var err error
		if hw, err = net.ParseMAC(mac); err != nil || len(hw) != 6 {
			return netip.Addr{}, &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields",
				Fields: map[string]string{"mac": "must be a MAC address such as BC:24:11:00:00:01"}}
		}
	}
	var ip netip.Addr
	err := db.inTx(ctx, func(tx *DB) error {
		if err := tx.lock(ctx, lockIPs, siteID.String()); err != nil {
			return err
		}
		var held net.HardwareAddr
		err := tx.q.QueryRow(ctx, `SELECT ip, mac FROM ip_allocations WHERE site_id = $1 AND container_id = $2`,
			siteID, containerID).Scan(&ip, &held)
		switch {
		case err == nil && hw != nil && !bytes.Equal(hw, held):
			return domain.Conflictf("container %s already holds IP %s with MAC %s", containerID, ip, macString(held))
		case err == nil:
			return nil
		case !errors.Is(err, pgx.ErrNoRows):
			return mapErr(err, "IP allocation")
		}
		nodes, err := tx.nodeAddrs(ctx)
		if err != nil {
			return err
		}
		err = tx.q.QueryRow(ctx, lowestFreeIP, siteID, nodes).Scan(&ip)
		if errors.Is(err, pgx.ErrNoRows) {
			return tx.explainNoFreeIP(ctx, siteID)
		}
		if err != nil {
			return mapErr(err, "IP allocation")
		}
		return tx.reserveIP(ctx, siteID, containerID, ip, hw)
	})
	return ip, err
}

// reserveIP inserts the reservation, drawing random MACs until one is
// free when hw is nil.
func (db *DB) reserveIP(ctx context.Context, siteID, containerID uuid.UUID, ip netip.Addr, hw net.HardwareAddr) error {
	const attempts = 5
	for i := 0; ; i++ {
		candidate := hw
		if candidate == nil {
			candidate = randomMAC()
		}
		// A savepoint, so that a taken MAC does not abort the transaction.
		err := db.inTx(ctx, func(sp *DB) error {
			_, err := sp.q.Exec(ctx, `INSERT INTO ip_allocations (site_id, ip, mac, container_id) VALUES ($1, $2, $3, $4)`,
				siteID, ip, candidate, containerID)
			return mapErr(err, "IP allocation")
		})
		if err == nil || hw != nil || i == attempts-1 || !domain.IsKind(err, domain.KindConflict) {
			return err
		}
	}
}

// nodeAddrs returns the IPv4 addresses registered nodes are reached on:
// the host of each endpoint URL that is an IPv4 address. A container
// given one of them would clash with its node on the site's network.
func (db *DB) nodeAddrs(ctx context.Context) ([]string, error) {
	rows, err := db.q.Query(ctx, `SELECT endpoint FROM nodes`)
	if err != nil {
		return nil, mapErr(err, "nodes")
	}
	endpoints, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, mapErr(err, "nodes")
	}
	addrs := []string{}
	for _, e := range endpoints {
		u, err := url.Parse(e)
		if err != nil {
			continue
		}
		if a, err := netip.ParseAddr(u.Hostname()); err == nil && a.Is4() {
			addrs = append(addrs, a.String())
		}
	}
	return addrs, nil
}

// explainNoFreeIP tells an unknown site from a full one.
func (db *DB) explainNoFreeIP(ctx context.Context, siteID uuid.UUID) error {
	var first, last netip.Addr
	err := db.q.QueryRow(ctx, `SELECT set_masklen(dhcp_start, 32), set_masklen(dhcp_end, 32) FROM sites WHERE id = $1`,
		siteID).Scan(&first, &last)
	if err != nil {
		return mapErr(err, "site "+siteID.String())
	}
	return domain.Conflictf("no free IP address left in %s-%s in site %s", first, last, siteID)
}

// ReleaseIP frees an address of a site. Releasing a free address is not
// an error.
func (db *DB) ReleaseIP(ctx context.Context, siteID uuid.UUID, ip netip.Addr) error {
	_, err := db.q.Exec(ctx, `DELETE FROM ip_allocations WHERE site_id = $1 AND ip = $2`, siteID, ip)
	return mapErr(err, "IP allocation")
}

// randomMAC returns a MAC with the Proxmox prefix and three random bytes.
func randomMAC() net.HardwareAddr {
	mac := make(net.HardwareAddr, 6)
	copy(mac, macPrefix)
	_, _ = rand.Read(mac[3:])
	return mac
}

// macString formats a MAC the way Proxmox writes it: upper case, colons.
func macString(mac net.HardwareAddr) string {
	return string(bytes.ToUpper([]byte(mac.String())))
}
