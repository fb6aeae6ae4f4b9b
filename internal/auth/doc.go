// Package auth hashes local passwords with argon2id and issues and verifies
// the short-lived JWT access tokens the API hands out at login.
package auth
