package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/auth"
	"github.com/labforge/labforge/internal/mail"
	"github.com/labforge/labforge/workflows"
)

// mailbox makes the fake EmailStore log e-mails with the default
// templates and returns what it logged.
func (h *fakeAPI) mailbox() func() []domain.Email {
	var mu sync.Mutex
	var logged []domain.Email
	h.emails.FindEmailTemplateFn = func(_ context.Context, key string) (*domain.EmailTemplate, error) {
		return nil, domain.NotFoundf("template %s not saved", key)
	}
	h.emails.CreateEmailFn = func(_ context.Context, e *domain.Email) error {
		mu.Lock()
		defer mu.Unlock()
		logged = append(logged, *e)
		return nil
	}
	return func() []domain.Email {
		mu.Lock()
		defer mu.Unlock()
		return append([]domain.Email{}, logged...)
	}
}

var linkToken = regexp.MustCompile(`\?token=([A-Za-z0-9_-]+)`)

// tokenIn returns the token of the link in an e-mail's body.
func tokenIn(t *testing.T, body string) string {
	t.Helper()
	m := linkToken.FindStringSubmatch(body)
	require.NotNil(t, m, "no link in %s", body)
	return m[1]
}

func TestHandlerInvitationIsStoredHashedAndMailed(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	logged := h.mailbox()
	var stored domain.Invitation
	var storedHash []byte
	h.accountStore.CreateInvitationFn = func(_ context.Context, inv *domain.Invitation, hash []byte) error {
		inv.ID, inv.CreatedAt, inv.Status = uuid.New(), time.Now(), domain.InvitationPending
		stored, storedHash = *inv, hash
		return nil
	}
	start := h.expectStart(workflows.SendEmailType, nil)

	r := h.do(h.admin, "POST", "/api/v1/invitations", map[string]any{"email": "ada@example.org", "display_name": "Ada", "roles": []string{"instructor"}})
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	require.Equal(t, []string{"instructor"}, stored.Roles)
	require.Equal(t, h.admin.ID(), *stored.InvitedBy)
	require.WithinDuration(t, time.Now().Add(24*time.Hour), stored.ExpiresAt, time.Minute)

	mails := logged()
	require.Len(t, mails, 1)
	require.Equal(t, "ada@example.org", mails[0].Recipient)
	require.Equal(t, mail.AccountInvitation, mails[0].TemplateKey)
	require.Contains(t, mails[0].Body, "https://labforge.example.org/invitation?token=")
	token := tokenIn(t, mails[0].Body)
	require.Equal(t, auth.HashLinkToken(token), storedHash, "the store keeps the token's hash only")
	require.NotContains(t, string(r.body), token)
	require.Equal(t, workflows.SendEmailWorkflowID(mails[0].ID, 0), start.options.ID)
	require.Contains(t, h.auditActions(), "invitation.create")
}

func TestHandlerInvitationRules(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	h.do(h.participant, "POST", "/api/v1/invitations", map[string]any{"email": "ada@example.org"}).requireStatus(t, http.StatusForbidden)
	h.do(h.participant, "GET", "/api/v1/invitations", nil).requireStatus(t, http.StatusForbidden)
	h.do(h.admin, "POST", "/api/v1/invitations", map[string]any{"email": "not-an-address", "roles": []string{}}).
		requireFields(t, map[string]string{"email": "e-mail address", "roles": "at least one role"})

	h.accountStore.RevokeInvitationFn = func(_ context.Context, id uuid.UUID) (*domain.Invitation, error) {
		return nil, domain.Conflictf("invitation %s was accepted already; disable or delete the user instead", id)
	}
	h.do(h.admin, "DELETE", "/api/v1/invitations/"+uuid.NewString(), nil).requireStatus(t, http.StatusConflict)

	h.accountStore.ListInvitationsFn = func(context.Context, domain.Page) ([]domain.Invitation, string, error) {
		return []domain.Invitation{{ID: uuid.New(), Email: "ada@example.org", Roles: []string{"participant"},
			CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour), Status: domain.InvitationPending}}, "", nil
	}
	r := h.do(h.admin, "GET", "/api/v1/invitations", nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
}

func TestHandlerAcceptInvitationChecksThePassword(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	path := "/api/v1/invitations/some-token/accept"
	h.do(nil, "POST", path, map[string]any{"username": "ada", "password": "short"}).
		requireFields(t, map[string]string{"password": "at least 12 characters"})
	h.do(nil, "POST", path, map[string]any{"username": "ada", "password": "qwerty123456"}).
		requireFields(t, map[string]string{"password": "most commonly used passwords"})
	h.do(nil, "POST", path, map[string]any{"username": "Ada!", "password": "QWERTY123456"}).
		requireFields(t, map[string]string{"username": "", "password": "most commonly used"})

	h.accountStore.AcceptInvitationFn = func(_ context.Context, hash []byte, u *domain.User) (*domain.Invitation, error) {
		if string(hash) != string(auth.HashLinkToken("some-token")) {
			return nil, domain.NotFoundf("this invitation link is not valid")
		}
		require.True(t, auth.CheckPassword("a long, uncommon pass", u.PasswordHash))
		u.ID, u.Email, u.Roles, u.Source, u.CreatedAt, u.UpdatedAt = uuid.New(), "ada@example.org", []string{"participant"}, domain.AuthLocal, time.Now(), time.Now()
		return &domain.Invitation{ID: uuid.New(), UserID: &u.ID}, nil
	}
	r := h.do(nil, "POST", path, map[string]any{"username": "ada", "password": "a long, uncommon pass"})
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	require.NotContains(t, string(r.body), "argon2")
	h.do(nil, "POST", "/api/v1/invitations/other/accept", map[string]any{"username": "ada", "password": "a long, uncommon pass"}).
		requireStatus(t, http.StatusNotFound)
	for _, rec := range h.auditRecords() {
		require.NotContains(t, fmt.Sprint(rec), "uncommon pass")
	}
	require.Contains(t, h.auditActions(), "invitation.accept")
}

func TestHandlerPasswordResetAnswersTheSameForAnyAddress(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	logged := h.mailbox()
	dora := &domain.User{ID: uuid.New(), Username: "dora", Email: "dora@example.org", Source: domain.AuthLocal, Roles: []string{"participant"}}
	var storedHash []byte
	h.accountStore.CreatePasswordResetFn = func(_ context.Context, email string, hash []byte, expires time.Time) (*domain.User, error) {
		require.WithinDuration(t, time.Now().Add(time.Hour), expires, time.Minute)
		if email != dora.Email {
			return nil, domain.NotFoundf("no local account")
		}
		storedHash = hash
		return dora, nil
	}
	h.expectStart(workflows.SendEmailType, nil)

	unknown := h.do(nil, "POST", "/api/v1/auth/password-reset", map[string]any{"email": "nobody@example.org"})
	known := h.do(nil, "POST", "/api/v1/auth/password-reset", map[string]any{"email": "dora@example.org"})
	require.Equal(t, http.StatusAccepted, unknown.status)
	require.Equal(t, http.StatusAccepted, known.status)
	require.Equal(t, string(unknown.body), string(known.body))
	mails := logged()
	require.Len(t, mails, 1)
	require.Equal(t, mail.AccountPasswordReset, mails[0].TemplateKey)
	require.Contains(t, mails[0].Body, "https://labforge.example.org/password-reset?token=")
	token := tokenIn(t, mails[0].Body)
	require.Equal(t, auth.HashLinkToken(token), storedHash)

	h.do(nil, "POST", "/api/v1/auth/password-reset/"+token, map[string]any{"password": "password1234"}).
		requireFields(t, map[string]string{"password": "most commonly used"})
	h.accountStore.ResetPasswordFn = func(_ context.Context, hash []byte, pw string) (*domain.User, error) {
		if string(hash) != string(storedHash) {
			return nil, domain.NotFoundf("this password reset link is not valid")
		}
		require.True(t, auth.CheckPassword("correct horse battery", pw))
		return dora, nil
	}
	r := h.do(nil, "POST", "/api/v1/auth/password-reset/"+token, map[string]any{"password": "correct horse battery"})
	require.Equal(t, http.StatusNoContent, r.status, string(r.body))
	h.do(nil, "POST", "/api/v1/auth/password-reset/guess", map[string]any{"password": "correct horse battery"}).requireStatus(t, http.StatusNotFound)
	require.Contains(t, h.auditActions(), "user.password_reset")
	for _, rec := range h.auditRecords() {
		require.NotContains(t, fmt.Sprint(rec), "horse")
	}
}

func TestHandlerPasswordChanges(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	hash, err := auth.HashPassword("the current one!")
	require.NoError(t, err)
	h.mu.Lock()
	h.accounts[h.participant.ID()].PasswordHash = hash
	h.mu.Unlock()
	var saved *domain.User
	h.users.UpdateUserFn = func(_ context.Context, u *domain.User) error {
		saved = u
		return nil
	}
	me := "/api/v1/me/password"
	h.do(h.participant, "POST", me, map[string]any{"current_password": "wrong", "password": "a brand new secret"}).
		requireFields(t, map[string]string{"current_password": "not your current password"})
	h.do(h.participant, "POST", me, map[string]any{"current_password": "the current one!", "password": "1q2w3e4r5t6y"}).
		requireFields(t, map[string]string{"password": "most commonly used"})
	r := h.do(h.participant, "POST", me, map[string]any{"current_password": "the current one!", "password": "a brand new secret"})
	require.Equal(t, http.StatusNoContent, r.status, string(r.body))
	require.True(t, auth.CheckPassword("a brand new secret", saved.PasswordHash))
	require.Contains(t, h.auditActions(), "user.password_change")

	// An administrator's change of someone's password is recorded too,
	// and held to the same rules.
	h.users.CountUsersWithRoleFn = func(context.Context, string) (int, error) { return 1, nil }
	path := "/api/v1/users/" + h.participant.ID().String()
	h.do(h.admin, "PATCH", path, map[string]any{"password": "123qweasdzxc"}).
		requireFields(t, map[string]string{"password": "most commonly used"})
	before := len(h.auditActions())
	r = h.do(h.admin, "PATCH", path, map[string]any{"password": "another long secret"})
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	require.Equal(t, []string{"user.update", "user.password_change"}, h.auditActions()[before:])
	h.do(h.admin, "POST", "/api/v1/users", map[string]any{"username": "bob", "email": "bob@example.org", "password": "qazwsxedcrfv"}).
		requireFields(t, map[string]string{"password": "most commonly used"})
}

func TestHandlerLoginBacksOffAfterFailures(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	hash, err := auth.HashPassword("the right password")
	require.NoError(t, err)
	u := &domain.User{ID: uuid.New(), Username: "eve", Email: "eve@example.org", Source: domain.AuthLocal,
		Roles: []string{"participant"}, PasswordHash: hash, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	h.users.FindUserByUsernameFn = func(_ context.Context, name string) (*domain.User, error) {
		if name == u.Username {
			cp := *u
			return &cp, nil
		}
		return nil, domain.NotFoundf("user %q not found", name)
	}
	login := func(password string) *reply {
		return h.do(nil, "POST", "/api/v1/auth/login", map[string]any{"username": "eve", "password": password})
	}
	require.Equal(t, http.StatusOK, login("the right password").status)
	for range 6 {
		login("wrong").requireError(t, http.StatusUnauthorized, domain.KindUnauthorized)
	}
	r := login("the right password")
	e := r.requireError(t, http.StatusTooManyRequests, domain.KindTooManyRequests)
	require.Contains(t, e.Message, "too many failed sign-ins for this account")
	secs, err := strconv.Atoi(r.header.Get("Retry-After"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, secs, 1)

	time.Sleep(time.Duration(secs) * time.Second)
	require.Equal(t, http.StatusOK, login("the right password").status, "after the wait the right password works")
	login("wrong").requireError(t, http.StatusUnauthorized, domain.KindUnauthorized)
}

// TestHandlerLoginThrottleIgnoresForwardedFor: without trusted proxies a
// caller cannot escape the per-address count by naming another address.
func TestHandlerLoginThrottleIgnoresForwardedFor(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	h.users.FindUserByUsernameFn = func(_ context.Context, name string) (*domain.User, error) {
		return nil, domain.NotFoundf("user %q not found", name)
	}
	login := func(i int) *reply {
		body := map[string]any{"username": fmt.Sprintf("guess%d", i), "password": "whatever-it-is"}
		req := httptest.NewRequestWithContext(t.Context(), "POST", "/api/v1/auth/login", apptest.RequestBody(t, body))
		apptest.PrepareRequest(req, "")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		return h.serve(req)
	}
	for i := range 31 {
		login(i).requireError(t, http.StatusUnauthorized, domain.KindUnauthorized)
	}
	e := login(99).requireError(t, http.StatusTooManyRequests, domain.KindTooManyRequests)
	require.Contains(t, e.Message, "your address")
}

// TestHandlerInvitationOutlivesTemporal: when the e-mail cannot be handed
// to Temporal, the invitation stands and its e-mail is logged failed, for
// an administrator to resend.
func TestHandlerInvitationOutlivesTemporal(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	logged := h.mailbox()
	h.accountStore.CreateInvitationFn = func(_ context.Context, inv *domain.Invitation, _ []byte) error {
		inv.ID, inv.CreatedAt, inv.Status = uuid.New(), time.Now(), domain.InvitationPending
		return nil
	}
	var failed domain.EmailStatus
	h.emails.RecordEmailAttemptFn = func(_ context.Context, id uuid.UUID, status domain.EmailStatus, msg string) (*domain.Email, error) {
		failed = status
		require.Contains(t, msg, "the sending could not start")
		return &domain.Email{ID: id, Status: status}, nil
	}
	h.expectStart(workflows.SendEmailType, errors.New("temporal is down"))
	r := h.do(h.admin, "POST", "/api/v1/invitations", map[string]any{"email": "ada@example.org"})
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	require.Len(t, logged(), 1)
	require.Equal(t, domain.EmailFailed, failed)
}
