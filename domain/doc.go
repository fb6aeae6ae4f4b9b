// Package domain holds Labforge's entities, value types, validation rules,
// permission rules and error kinds. It performs no I/O: stores, clients and
// handlers depend on it, never the other way round.
package domain
