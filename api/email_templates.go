package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/mail"
)

// EmailTemplateView is an e-mail template as the API shows it: the one in
// force (saved or default), what it is for, and the fields it may use.
type EmailTemplateView struct {
	domain.EmailTemplate
	About  string   `json:"about"`
	Fields []string `json:"fields"`
}

func newEmailTemplateView(spec mail.Spec, t domain.EmailTemplate) EmailTemplateView {
	return EmailTemplateView{EmailTemplate: t, About: spec.About, Fields: spec.Fields()}
}

// EmailTemplateRequest replaces a template (PUT) or, for a preview, names
// an unsaved version to render (each field optional there: the template
// in force fills the other).
type EmailTemplateRequest struct {
	Subject *string `json:"subject"`
	Body    *string `json:"body"`
}

// adminOnly checks the caller may do need to the platform (administrators).
func (s *Server) adminOnly(c *gin.Context, need domain.Key) error {
	return s.authorize(c, domain.TypeRef(domain.ObjectSystem), need)
}

// listEmailTemplates answers GET /email-templates: every key, with the
// template in force. Administrators only.
func (s *Server) listEmailTemplates(c *gin.Context) {
	if err := s.adminOnly(c, domain.KeyRead); err != nil {
		abortWithError(c, err)
		return
	}
	saved, err := s.emails.ListEmailTemplates(c.Request.Context())
	if err != nil {
		abortWithError(c, err)
		return
	}
	byKey := map[string]domain.EmailTemplate{}
	for _, t := range saved {
		byKey[t.Key] = t
	}
	views := []EmailTemplateView{}
	for _, spec := range mail.Specs() {
		t, ok := byKey[spec.Key]
		if !ok {
			t = spec.Default()
		}
		views = append(views, newEmailTemplateView(spec, t))
	}
	c.JSON(http.StatusOK, newList(views, ""))
}

// loadEmailTemplate checks the caller may do need and returns the :key
// template in force.
func (s *Server) loadEmailTemplate(c *gin.Context, need domain.Key) (mail.Spec, domain.EmailTemplate, error) {
	if err := s.adminOnly(c, need); err != nil {
		return mail.Spec{}, domain.EmailTemplate{}, err
	}
	return mail.Effective(c.Request.Context(), s.emails, c.Param("key"))
}

func (s *Server) getEmailTemplate(c *gin.Context) {
	spec, t, err := s.loadEmailTemplate(c, domain.KeyRead)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newEmailTemplateView(spec, t))
}

// putEmailTemplate answers PUT /email-templates/{key}: it saves an
// administrator's version after checking it uses only the key's fields.
func (s *Server) putEmailTemplate(c *gin.Context) {
	spec, before, err := s.loadEmailTemplate(c, domain.KeyUpdate)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var req EmailTemplateRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	var v domain.Validator
	v.Check(req.Subject != nil, "subject", "must be set")
	v.Check(req.Body != nil, "body", "must be set")
	if err := v.Err(); err != nil {
		abortWithError(c, err)
		return
	}
	if err := spec.Check(*req.Subject, *req.Body); err != nil {
		abortWithError(c, err)
		return
	}
	t := &domain.EmailTemplate{Key: spec.Key, Subject: *req.Subject, Body: *req.Body, UpdatedBy: &currentUser(c).ID}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.emails.SaveEmailTemplate(ctx, t); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"email_template.update", "email_template", spec.Key, &before, t}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newEmailTemplateView(spec, *t))
}

// previewEmailTemplate answers POST /email-templates/{key}/preview: the
// template in force, or the unsaved version in the request, rendered with
// the key's sample data.
func (s *Server) previewEmailTemplate(c *gin.Context) {
	spec, t, err := s.loadEmailTemplate(c, domain.KeyRead)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var req EmailTemplateRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &req); err != nil {
			abortWithError(c, err)
			return
		}
	}
	if req.Subject != nil {
		t.Subject = *req.Subject
	}
	if req.Body != nil {
		t.Body = *req.Body
	}
	if err := spec.Check(t.Subject, t.Body); err != nil {
		abortWithError(c, err)
		return
	}
	r, err := spec.Render(t, spec.Sample)
	if err != nil {
		abortWithError(c, domain.Wrap(err, domain.KindInvalid, err.Error()))
		return
	}
	c.JSON(http.StatusOK, r)
}
