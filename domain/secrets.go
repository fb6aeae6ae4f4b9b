package domain

import "context"

// SecretCounts is what a rotation found in one place secrets are stored.
type SecretCounts struct {
	// Table names the place: nodes (token secrets), environment_connections
	// (connection passwords) or events.environment_snapshot (the
	// connection passwords of deployed events' snapshots).
	Table string `json:"table"`
	// Current secrets were sealed with the current key already.
	Current int `json:"current"`
	// Resealed secrets moved from a previous key to the current one.
	Resealed int `json:"resealed"`
	// Sealed secrets were plain, stored by an older version.
	Sealed int `json:"sealed"`
	// Unreadable secrets name a key that is not configured or do not
	// authenticate; they are left as they are.
	Unreadable int `json:"unreadable"`
}

// UnreadableSecret names one secret a rotation could not open; never its
// value.
type UnreadableSecret struct {
	Table  string `json:"table"`
	Row    string `json:"row"`
	KeyID  string `json:"key_id"`
	Reason string `json:"reason"`
}

// MaxUnreadableListed bounds SecretRotation.Unreadable; the counts hold
// every one.
const MaxUnreadableListed = 100

// SecretRotation is the outcome of re-sealing every stored secret under
// the current key.
type SecretRotation struct {
	KeyID      string             `json:"key_id"`
	Tables     []SecretCounts     `json:"tables"`
	Unreadable []UnreadableSecret `json:"unreadable"`
}

// SecretStore re-seals the secrets kept in the database.
type SecretStore interface {
	// RotateSecrets seals every plain secret and re-seals every secret
	// sealed with a previous key under the current key, one row at a
	// time, so it is safe while the platform runs and may be repeated. A
	// secret it cannot open is reported and left untouched.
	RotateSecrets(ctx context.Context) (*SecretRotation, error)
}
