package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$") {
		t.Fatalf("not an argon2id hash: %s", h)
	}
	if !CheckPassword("correct horse battery staple", h) {
		t.Fatal("right password rejected")
	}
	if CheckPassword("wrong horse", h) || CheckPassword("anything", "") || CheckPassword("x", "garbage") {
		t.Fatal("wrong password accepted")
	}
}

func TestGeneratePassword(t *testing.T) {
	a, _ := GeneratePassword()
	b, _ := GeneratePassword()
	if len(a) != 24 || a == b {
		t.Fatalf("weak generated passwords %q %q", a, b)
	}
}

func TestTokenRoundTrip(t *testing.T) {
	tk := NewTokens(strings.Repeat("k", 32), time.Minute)
	id := uuid.New()
	raw, exp, err := tk.Issue(id, "ada", []string{"admin"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if time.Until(exp) > time.Minute {
		t.Fatal("expiry too late")
	}
	c, err := tk.Verify(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := c.UserID(); got != id || c.Username != "ada" || c.Roles[0] != "admin" || c.Version != 3 {
		t.Fatalf("claims %+v", c)
	}
}

func TestTokenRejections(t *testing.T) {
	tk := NewTokens(strings.Repeat("k", 32), time.Minute)
	raw, _, _ := tk.Issue(uuid.New(), "ada", nil, 0)

	other := NewTokens(strings.Repeat("x", 32), time.Minute)
	if _, err := other.Verify(raw); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("foreign signature accepted: %v", err)
	}
	later := NewTokens(strings.Repeat("k", 32), time.Minute)
	later.now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	if _, err := later.Verify(raw); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("expired token accepted: %v", err)
	}
	// alg=none must never pass.
	parts := strings.Split(raw, ".")
	none := "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + parts[1] + "."
	if _, err := tk.Verify(none); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("unsigned token accepted: %v", err)
	}
}
