package store_test

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestEmailTemplatesAreSavedOverDefaults(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	_, err := db.FindEmailTemplate(ctx, "vm.ready")
	requireKind(t, err, domain.KindNotFound, "")

	tmpl := &domain.EmailTemplate{Key: "vm.ready", Subject: "VM {{.VM}}", Body: "<p>one</p>"}
	require.NoError(t, db.SaveEmailTemplate(ctx, tmpl))
	require.NotNil(t, tmpl.UpdatedAt)
	tmpl.Body = "<p>two</p>"
	require.NoError(t, db.SaveEmailTemplate(ctx, tmpl))
	got, err := db.FindEmailTemplate(ctx, "vm.ready")
	require.NoError(t, err)
	require.Equal(t, "<p>two</p>", got.Body)
	require.True(t, got.Customized)
	all, err := db.ListEmailTemplates(ctx)
	require.NoError(t, err)
	require.Len(t, all, 1)

	missing := uuid.New()
	err = db.SaveEmailTemplate(ctx, &domain.EmailTemplate{Key: "event.ended", Subject: "s", Body: "b", UpdatedBy: &missing})
	requireKind(t, err, domain.KindInvalid, "user "+missing.String()+" does not exist")
}

func TestEmailLogLifecycle(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)

	e := &domain.Email{ID: uuid.New(), Recipient: "alice@example.org", TemplateKey: "vm.ready", Subject: "s1", Body: "<p>1</p>",
		Data: json.RawMessage(`{"vm": "dc1"}`)}
	require.NoError(t, db.CreateEmail(ctx, e))
	require.Equal(t, domain.EmailQueued, e.Status)
	require.False(t, e.CreatedAt.IsZero())
	retry := &domain.Email{ID: e.ID, Recipient: "other@example.org", TemplateKey: "vm.ready", Subject: "changed", Body: "x"}
	require.NoError(t, db.CreateEmail(ctx, retry), "a retried create keeps the first entry")
	require.Equal(t, "s1", retry.Subject)
	require.JSONEq(t, `{"vm": "dc1"}`, string(retry.Data))

	// A temporary failure stays queued with its error; sent is recorded once.
	got, err := db.RecordEmailAttempt(ctx, e.ID, domain.EmailQueued, "SMTP 451: later")
	require.NoError(t, err)
	require.Equal(t, 1, got.Attempts)
	require.Equal(t, "SMTP 451: later", got.Error)
	got, err = db.RecordEmailAttempt(ctx, e.ID, domain.EmailSent, "")
	require.NoError(t, err)
	require.Equal(t, domain.EmailSent, got.Status)
	require.Equal(t, 2, got.Attempts)
	require.NotNil(t, got.SentAt)
	_, err = db.RecordEmailAttempt(ctx, e.ID, domain.EmailSent, "")
	requireKind(t, err, domain.KindConflict, "")
	_, err = db.RequeueEmail(ctx, e.ID)
	requireKind(t, err, domain.KindConflict, "e-mail "+e.ID.String()+" has not failed; it is sent")
	_, err = db.RecordEmailAttempt(ctx, uuid.New(), domain.EmailSent, "")
	requireKind(t, err, domain.KindNotFound, "")

	f := &domain.Email{Recipient: "Bob@example.org", TemplateKey: "event.ended", Subject: "s2", Body: "<p>2</p>"}
	require.NoError(t, db.CreateEmail(ctx, f))
	require.NotEqual(t, uuid.Nil, f.ID)
	_, err = db.RecordEmailAttempt(ctx, f.ID, domain.EmailFailed, "SMTP 550: no")
	require.NoError(t, err)
	again, err := db.RequeueEmail(ctx, f.ID)
	require.NoError(t, err)
	require.Equal(t, domain.EmailQueued, again.Status)
	require.Empty(t, again.Error)

	bad := &domain.Email{Recipient: "nobody", TemplateKey: "vm.ready", Subject: "s", Body: "b"}
	err = db.CreateEmail(ctx, bad)
	requireKind(t, err, domain.KindInvalid, "")

	list, next, err := db.ListEmails(ctx, domain.EmailFilter{})
	require.NoError(t, err)
	require.Empty(t, next)
	require.Equal(t, []uuid.UUID{f.ID, e.ID}, []uuid.UUID{list[0].ID, list[1].ID}, "newest first")
	list, _, err = db.ListEmails(ctx, domain.EmailFilter{Status: domain.EmailSent})
	require.NoError(t, err)
	require.Len(t, list, 1)
	list, _, err = db.ListEmails(ctx, domain.EmailFilter{Recipient: "bob@EXAMPLE.org", TemplateKey: "event.ended"})
	require.NoError(t, err)
	require.Len(t, list, 1)
	page, next, err := db.ListEmails(ctx, domain.EmailFilter{Page: domain.Page{Limit: 1}})
	require.NoError(t, err)
	require.Equal(t, f.ID, page[0].ID)
	page, _, err = db.ListEmails(ctx, domain.EmailFilter{Page: domain.Page{Limit: 1, Cursor: next}})
	require.NoError(t, err)
	require.Equal(t, e.ID, page[0].ID)
}
