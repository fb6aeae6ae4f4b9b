package secrets_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/secrets"
)

func key(t *testing.T, id string) secrets.Key {
	t.Helper()
	k, err := secrets.NewKey(id, bytes.Repeat([]byte(id[:1]), secrets.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func ring(t *testing.T, current secrets.Key, previous ...secrets.Key) *secrets.Keyring {
	t.Helper()
	r, err := secrets.NewKeyring(current, previous...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSealOpenRoundTrip(t *testing.T) {
	r := ring(t, key(t, "k1"))
	s := r.Seal("correct horse")
	if s.KeyID != "k1" || bytes.Contains(s.Ciphertext, []byte("correct horse")) {
		t.Fatalf("sealed %+v", s)
	}
	if again := r.Seal("correct horse"); bytes.Equal(again.Ciphertext, s.Ciphertext) {
		t.Fatal("two seals of one secret must differ (random nonce)")
	}
	got, err := r.Open(s)
	if err != nil || got != "correct horse" {
		t.Fatalf("Open = %q, %v", got, err)
	}
}

func TestRotationOpensOldSecrets(t *testing.T) {
	old := ring(t, key(t, "a1"))
	s := old.Seal("pw")
	rotated := ring(t, key(t, "b2"), key(t, "a1"))
	if got, err := rotated.Open(s); err != nil || got != "pw" {
		t.Fatalf("Open with the previous key = %q, %v", got, err)
	}
	if rotated.Seal("pw").KeyID != "b2" {
		t.Fatal("the current key seals")
	}
	if _, err := ring(t, key(t, "b2")).Open(s); !errors.Is(err, secrets.ErrUnknownKey) {
		t.Fatalf("a dropped key: %v", err)
	}
}

func TestWrongKeyAndTamperingFail(t *testing.T) {
	s := ring(t, key(t, "k1")).Seal("pw")
	other, err := secrets.NewKey("k1", bytes.Repeat([]byte{7}, secrets.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ring(t, other).Open(s); !errors.Is(err, secrets.ErrTampered) {
		t.Fatalf("wrong key under the same id: %v", err)
	}
	r := ring(t, key(t, "k1"), key(t, "k2"))
	flipped := &domain.SealedSecret{KeyID: s.KeyID, Ciphertext: append([]byte(nil), s.Ciphertext...)}
	flipped.Ciphertext[len(flipped.Ciphertext)-1] ^= 1
	if _, err := r.Open(flipped); !errors.Is(err, secrets.ErrTampered) {
		t.Fatalf("changed ciphertext: %v", err)
	}
	relabelled := &domain.SealedSecret{KeyID: "k2", Ciphertext: s.Ciphertext}
	if _, err := r.Open(relabelled); !errors.Is(err, secrets.ErrTampered) {
		t.Fatalf("relabelled secret: %v", err)
	}
	if _, err := r.Open(&domain.SealedSecret{KeyID: "k1", Ciphertext: []byte{1, 2}}); !errors.Is(err, secrets.ErrTampered) {
		t.Fatalf("short ciphertext: %v", err)
	}
}

func TestParseKey(t *testing.T) {
	raw := make([]byte, secrets.KeySize)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	enc := base64.StdEncoding.EncodeToString(raw)
	k, err := secrets.ParseKey("2026-01:" + enc)
	if err != nil || k.ID != "2026-01" {
		t.Fatalf("ParseKey = %+v, %v", k, err)
	}
	for _, bad := range []string{enc, ":" + enc, "k 1:" + enc, "k1:" + enc[:20], "k1:not base64!"} {
		_, err := secrets.ParseKey(bad)
		if err == nil {
			t.Errorf("ParseKey(%q) accepted", bad)
			continue
		}
		if strings.Contains(err.Error(), enc[:10]) {
			t.Errorf("the error reveals key material: %v", err)
		}
	}
	if _, err := secrets.NewKeyring(k, k); err == nil {
		t.Error("a key id given twice is refused")
	}
}
