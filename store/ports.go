package store

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/labforge/labforge/domain"
)

// lowestFreePort finds the lowest port in [$3, $4] that no service of
// site $1 uses for protocol $2.
const lowestFreePort = `
	WITH taken AS (
		SELECT external_port AS port FROM services
		WHERE site_id = $1 AND protocol = $2 AND external_port BETWEEN $3 AND $4
	)
	SELECT candidate FROM (
		SELECT $3::integer AS candidate
		UNION ALL
		SELECT port + 1 FROM taken WHERE port < $4
	) c
	WHERE candidate NOT IN (SELECT port FROM taken)
	ORDER BY candidate LIMIT 1`

// AllocateExternalPort gives a TCP or UDP service of the site the lowest
// port in [first, last] that no other service of the site uses for that
// protocol, stores it on the service and returns it. A service that has an
// external port already keeps it. Concurrent callers get distinct ports.
// It returns KindNotFound for an unknown service, KindInvalid for a bad
// range or a service of another site or protocol, and KindConflict when
// the range is full.
func (db *DB) AllocateExternalPort(ctx context.Context, siteID uuid.UUID, protocol domain.ServiceProtocol, first, last int, serviceID uuid.UUID) (int, error) {
	var v domain.Validator
	v.Check(protocol == domain.ServiceTCP || protocol == domain.ServiceUDP, "protocol",
		"must be tcp or udp: HTTP services are routed by host name")
	v.Check(first >= 1 && last <= 65535 && first <= last, "port_range", "must be FIRST-LAST within 1-65535, FIRST not above LAST")
	if err := v.Err(); err != nil {
		return 0, err
	}
	var port int
	err := db.inTx(ctx, func(tx *DB) error {
		if err := tx.lock(ctx, lockPorts, siteID.String()+"/"+string(protocol)); err != nil {
			return err
		}
		var svcSite uuid.UUID
		var svcProtocol domain.ServiceProtocol
		var held *int
		err := tx.q.QueryRow(ctx, `SELECT site_id, protocol, external_port FROM services WHERE id = $1 FOR UPDATE`,
			serviceID).Scan(&svcSite, &svcProtocol, &held)
		if err != nil {
			return mapErr(err, "service "+serviceID.String())
		}
		if svcSite != siteID || svcProtocol != protocol {
			return domain.Errorf(domain.KindInvalid, "service %s is a %s service of site %s, not a %s service of site %s",
				serviceID, svcProtocol, svcSite, protocol, siteID)
		}
		if held != nil {
			port = *held
			return nil
		}
		err = tx.q.QueryRow(ctx, lowestFreePort, siteID, protocol, first, last).Scan(&port)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Conflictf("no free %s port left in %d-%d in site %s", protocol, first, last, siteID)
		}
		if err != nil {
			return mapErr(err, "external port")
		}
		_, err = tx.q.Exec(ctx, `UPDATE services SET external_port = $2 WHERE id = $1`, serviceID, port)
		return mapErr(err, "service "+serviceID.String())
	})
	return port, err
}

// ReleaseExternalPort clears the service's external port. It returns
// KindNotFound for an unknown service.
func (db *DB) ReleaseExternalPort(ctx context.Context, serviceID uuid.UUID) error {
	tag, err := db.q.Exec(ctx, `UPDATE services SET external_port = NULL WHERE id = $1`, serviceID)
	if err != nil {
		return mapErr(err, "service "+serviceID.String())
	}
	if tag.RowsAffected() == 0 {
		return domain.NotFoundf("service %s not found", serviceID)
	}
	return nil
}
