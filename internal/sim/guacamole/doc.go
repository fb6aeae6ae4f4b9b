// Package guacamole is an in-process simulator of the Apache Guacamole REST
// API (guacamole-client 1.6.0 with a JDBC backend) for exactly the subset
// Labforge uses, over plain HTTP on loopback. Importers usually name it
// guacsim, beside the client package internal/guacamole.
//
// It serves, under /api:
//
//	POST   /api/tokens                                   sign in (form username, password)
//	DELETE /api/tokens/{token}                           sign out
//	GET    /api/session/data/{ds}/connections            connections the token's user may read
//	POST   /api/session/data/{ds}/connections            create (admin)
//	GET    /api/session/data/{ds}/connections/{id}       one connection (404 if not readable)
//	DELETE /api/session/data/{ds}/connections/{id}       delete (admin)
//	GET    /api/session/data/{ds}/users                  every user (admin)
//	POST   /api/session/data/{ds}/users                  create (admin)
//	GET    /api/session/data/{ds}/users/{username}       one user (admin or self)
//	DELETE /api/session/data/{ds}/users/{username}       delete (admin)
//	GET    /api/session/data/{ds}/users/{username}/permissions
//	PATCH  /api/session/data/{ds}/users/{username}/permissions   JSON Patch add/remove
//
// as the real server answers them: the token in the Guacamole-Token header
// or the token query parameter; a token that is unknown or unused for longer
// than Config.TokenTimeout (scaled by Config.TimeScale) answers 403
// PERMISSION_DENIED "Permission Denied."; wrong credentials answer 403
// INVALID_CREDENTIALS; every error is Guacamole's JSON error object
// ({"message","translatableMessage","statusCode","expected","patches","type"}).
// Only the admin user (Config.AdminUsername) and users granted the system
// permission ADMINISTER may create and delete connections and users or
// change permissions; any other user sees only the connections it was
// granted READ on, and gets 404 for the others.
//
// Faults (a service that is down, an error rate, latency) are injected from a
// seeded random source. A small admin API outside /api needs no token (the
// server listens on loopback only):
//
//	GET  /_sim/stats         request counts by route and by status
//	GET  /_sim/faults        the fault settings in force
//	PUT  /_sim/faults        replace them (JSON Faults)
//	GET  /_sim/connections   every connection with its parameters
//	GET  /_sim/users         every user with its permissions
//	POST /_sim/expire-tokens expire every token now
package guacamole
