package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"io"
	"reflect"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/labforge/labforge/domain"
)

// Spec is one kind of e-mail: its template key, who gets it, the data it
// is rendered with and the default subject and body Labforge ships.
type Spec struct {
	Key string
	// About says when the e-mail is sent and to whom.
	About string
	// Sample is a filled value of the key's data struct: previews render
	// it, and its type is what Check holds templates to.
	Sample         any
	DefaultSubject string
	DefaultBody    string
}

// Template keys.
const (
	EventDeployed     = "event.deployed"
	EventDeployFailed = "event.deploy_failed"
	EventItemsFailed  = "event.items_failed"
	EventEndingSoon   = "event.ending_soon"
	EventEnded        = "event.ended"
	VMReady           = "vm.ready"
	// AccountInvitation and AccountPasswordReset carry a secret link: the
	// e-mail log keeps it as sent, until the link expires.
	AccountInvitation    = "account.invitation"
	AccountPasswordReset = "account.password_reset"
)

// Specs lists every kind of e-mail, by key.
func Specs() []Spec {
	out := slices.Clone(specs)
	slices.SortFunc(out, func(a, b Spec) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// Lookup returns the spec of key.
func Lookup(key string) (Spec, bool) {
	i := slices.IndexFunc(specs, func(s Spec) bool { return s.Key == key })
	if i < 0 {
		return Spec{}, false
	}
	return specs[i], true
}

// Default returns key's shipped template.
func (s Spec) Default() domain.EmailTemplate {
	return domain.EmailTemplate{Key: s.Key, Subject: s.DefaultSubject, Body: s.DefaultBody}
}

// Fields lists the placeholders a template of s may use, such as
// ".Recipient.Name", in struct order; lists are marked "[]" and their
// elements' fields follow (".Connections[].URL", used inside range).
func (s Spec) Fields() []string {
	var out []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := range t.NumField() {
			f := t.Field(i)
			name := prefix + "." + f.Name
			ft := f.Type
			if ft.Kind() == reflect.Slice {
				name += "[]"
				ft = ft.Elem()
			}
			out = append(out, name)
			if ft.Kind() == reflect.Struct && ft != reflect.TypeFor[time.Time]() {
				walk(ft, name)
			}
		}
	}
	walk(reflect.TypeOf(s.Sample), "")
	return out
}

// Check parses subject and body and checks that they use only fields of
// s's data. Its error is KindInvalid and names the field ("subject" or
// "body") and the bad placeholder.
//
// Past the static check, both are rendered with the sample data, which
// catches what the check cannot follow (a field of a function's result, a
// function given the wrong arguments).
func (s Spec) Check(subject, body string) error {
	var v domain.Validator
	subj, html, err := s.parse(subject, body)
	if err != nil {
		return err
	}
	v.Check(strings.TrimSpace(subject) != "", "subject", "must not be empty")
	v.Check(strings.TrimSpace(body) != "", "body", "must not be empty")
	if err := subj.Execute(io.Discard, s.Sample); err != nil {
		v.Check(false, "subject", "cannot be rendered: "+execMessage(err))
	}
	if err := html.Execute(io.Discard, s.Sample); err != nil {
		v.Check(false, "body", "cannot be rendered: "+execMessage(err))
	}
	return v.Err()
}

// execMessage is a template execution error without its prefix
// ("template: body:1:5: executing "body" at <...>: ").
func execMessage(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ">: "); i >= 0 && strings.HasPrefix(msg, "template: ") {
		return msg[i+3:]
	}
	return msg
}

// Rendered is an e-mail ready to send.
type Rendered struct {
	Subject string `json:"subject"`
	HTML    string `json:"html"`
}

// Render renders the template t of s with data, which must be a value of
// (or pointer to) s's data struct. The body is HTML-escaped by
// html/template; the subject, a header rather than HTML, is rendered by
// text/template and its line breaks become spaces.
func (s Spec) Render(t domain.EmailTemplate, data any) (Rendered, error) {
	subj, body, err := s.parse(t.Subject, t.Body)
	if err != nil {
		return Rendered{}, err
	}
	var sb, bb bytes.Buffer
	if err := subj.Execute(&sb, data); err != nil {
		return Rendered{}, fmt.Errorf("render the subject of %s: %w", s.Key, err)
	}
	if err := body.Execute(&bb, data); err != nil {
		return Rendered{}, fmt.Errorf("render the body of %s: %w", s.Key, err)
	}
	subject := strings.Join(strings.Fields(sb.String()), " ")
	return Rendered{Subject: subject, HTML: bb.String()}, nil
}

// Decode reads JSON template data into a new value of s's data struct,
// rejecting fields it does not have.
func (s Spec) Decode(raw []byte) (any, error) {
	v := reflect.New(reflect.TypeOf(s.Sample))
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v.Interface()); err != nil {
		return nil, domain.Wrap(err, domain.KindInvalid, fmt.Sprintf("the data of e-mail %s does not fit it: %v", s.Key, err))
	}
	return v.Interface(), nil
}

// parse parses and checks both templates.
func (s Spec) parse(subject, body string) (*texttemplate.Template, *htmltemplate.Template, error) {
	var v domain.Validator
	root := reflect.TypeOf(s.Sample)
	subj, err := texttemplate.New("subject").Option("missingkey=error").Parse(subject)
	if err != nil {
		v.Check(false, "subject", parseMessage(err))
	} else if err := checkTree(subj.Tree, len(subj.Templates()), root); err != nil {
		v.Check(false, "subject", err.Error())
	}
	html, err := htmltemplate.New("body").Option("missingkey=error").Parse(body)
	if err != nil {
		v.Check(false, "body", parseMessage(err))
	} else if err := checkTree(html.Tree, len(html.Templates()), root); err != nil {
		v.Check(false, "body", err.Error())
	}
	return subj, html, v.Err()
}

// parseMessage is a template syntax error without the template's name.
func parseMessage(err error) string {
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(msg, "template: ") {
		msg = rest
	}
	return "is not a valid template: " + msg
}

// TemplateFinder finds an administrator's saved template (domain.EmailStore).
type TemplateFinder interface {
	FindEmailTemplate(ctx context.Context, key string) (*domain.EmailTemplate, error)
}

// Effective returns key's spec and the template in force: the saved one,
// or the default. An unknown key is KindNotFound.
func Effective(ctx context.Context, store TemplateFinder, key string) (Spec, domain.EmailTemplate, error) {
	spec, ok := Lookup(key)
	if !ok {
		return Spec{}, domain.EmailTemplate{}, domain.NotFoundf("e-mail template %q not found; the templates are %s", key, strings.Join(Keys(), ", "))
	}
	saved, err := store.FindEmailTemplate(ctx, key)
	switch {
	case err == nil:
		return spec, *saved, nil
	case domain.IsKind(err, domain.KindNotFound):
		return spec, spec.Default(), nil
	}
	return Spec{}, domain.EmailTemplate{}, err
}

// Keys lists the template keys, sorted.
func Keys() []string {
	var keys []string
	for _, s := range Specs() {
		keys = append(keys, s.Key)
	}
	return keys
}

// RenderWithFallback renders data with tmpl; when an administrator's
// template (tmpl.Customized) passed its check with the sample data but
// fails on these (an index past the end of a list, say), it renders the
// default instead, which still tells the recipient, and reports the
// saved template's error as fellBack.
func (s Spec) RenderWithFallback(tmpl domain.EmailTemplate, data any) (r Rendered, fellBack error, err error) {
	r, err = s.Render(tmpl, data)
	if err != nil && tmpl.Customized {
		fellBack = err
		r, err = s.Render(s.Default(), data)
	}
	return r, fellBack, err
}
