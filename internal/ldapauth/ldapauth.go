// Package ldapauth signs people in against an LDAP directory: it binds
// as a service account, finds the person's entry with a configured
// filter, binds as that entry with their password and reads their
// username, e-mail address, display name and groups.
package ldapauth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/labforge/labforge/domain"
)

// Provider is the domain.ExternalIdentity provider name of LDAP identities.
const Provider = "ldap"

// Config says how to reach the directory and read its entries.
type Config struct {
	// URL is ldap://host[:port] or ldaps://host[:port].
	URL string
	// StartTLS upgrades an ldap:// connection to TLS before binding.
	StartTLS bool
	// CAFile is a PEM file of the CAs that sign the server's certificate;
	// empty trusts the system's roots.
	CAFile string
	// BindDN and BindPassword are the service account that searches;
	// an empty BindDN searches anonymously.
	BindDN       string
	BindPassword string
	// BaseDN is where people's entries are searched (whole subtree).
	BaseDN string
	// UserFilter finds one person's entry: every %s is replaced by the
	// username as typed, escaped (ldap.EscapeFilter).
	UserFilter string
	// Attribute names of the entry's username, e-mail address and
	// display name.
	UsernameAttribute    string
	EmailAttribute       string
	DisplayNameAttribute string
	// GroupAttribute lists the entry's groups (memberOf) when GroupBaseDN
	// is empty.
	GroupAttribute string
	// GroupBaseDN, when set, finds the groups by a search there with
	// GroupFilter, in which %s is the person's DN and %u their username
	// (both escaped); the groups are the DNs of the entries found.
	GroupBaseDN string
	GroupFilter string
	// Timeout bounds connecting and each LDAP operation.
	Timeout time.Duration
}

// ErrInvalidCredentials is the answer to a wrong password and to an
// unknown username alike.
var ErrInvalidCredentials = domain.Errorf(domain.KindUnauthorized, "invalid username or password")

// Directory authenticates against one LDAP directory.
type Directory struct {
	cfg Config
	tls *tls.Config
}

// New checks cfg and reads its CA file.
func New(cfg Config) (*Directory, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "ldap" && u.Scheme != "ldaps") || u.Host == "" {
		return nil, fmt.Errorf("the LDAP URL %q must be ldap://host[:port] or ldaps://host[:port]", cfg.URL)
	}
	if cfg.StartTLS && u.Scheme == "ldaps" {
		return nil, errors.New("StartTLS is for ldap:// URLs; an ldaps:// connection is TLS already")
	}
	if strings.Count(cfg.UserFilter, "%s") == 0 {
		return nil, fmt.Errorf("the user filter %q must contain %%s where the username goes, such as (uid=%%s)", cfg.UserFilter)
	}
	if cfg.Timeout <= 0 {
		return nil, errors.New("the LDAP timeout must be positive")
	}
	tc := &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("reading the LDAP CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("the LDAP CA file %s holds no PEM certificate", cfg.CAFile)
		}
		tc.RootCAs = pool
	}
	return &Directory{cfg: cfg, tls: tc}, nil
}

// Authenticate checks username and password against the directory and
// returns the person's identity. A wrong password, an unknown username
// and a username matching several entries all return
// ErrInvalidCredentials; a directory that cannot be reached or refuses
// the service account returns KindUnavailable naming LDAP.
func (d *Directory) Authenticate(ctx context.Context, username, password string) (*domain.ExternalIdentity, error) {
	// An empty password is an unauthenticated bind, which many servers
	// accept for any DN.
	if username == "" || password == "" {
		return nil, ErrInvalidCredentials
	}
	conn, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := d.bindService(conn); err != nil {
		return nil, err
	}
	entry, err := d.findUser(conn, username)
	if err != nil {
		return nil, err
	}
	if err := conn.Bind(entry.DN, password); err != nil {
		if ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
			return nil, ErrInvalidCredentials
		}
		return nil, unavailable("binding as the user", err)
	}
	id := &domain.ExternalIdentity{
		Source:      domain.AuthLDAP,
		Provider:    Provider,
		Username:    strings.ToLower(entry.GetAttributeValue(d.cfg.UsernameAttribute)),
		Email:       entry.GetAttributeValue(d.cfg.EmailAttribute),
		DisplayName: entry.GetAttributeValue(d.cfg.DisplayNameAttribute),
	}
	if id.Username == "" {
		id.Username = strings.ToLower(username)
	}
	id.Subject = id.Username
	if id.Groups, err = d.groups(conn, entry, id.Username); err != nil {
		return nil, err
	}
	return id, nil
}

func (d *Directory) connect(ctx context.Context) (*ldap.Conn, error) {
	dialer := &net.Dialer{Timeout: d.cfg.Timeout}
	if dl, ok := ctx.Deadline(); ok {
		dialer.Deadline = dl
	}
	conn, err := ldap.DialURL(d.cfg.URL, ldap.DialWithDialer(dialer), ldap.DialWithTLSConfig(d.tls))
	if err != nil {
		return nil, unavailable("connecting to "+d.cfg.URL, err)
	}
	conn.SetTimeout(d.cfg.Timeout)
	if d.cfg.StartTLS {
		if err := conn.StartTLS(d.tls); err != nil {
			conn.Close()
			return nil, unavailable("StartTLS with "+d.cfg.URL, err)
		}
	}
	return conn, nil
}

// bindService binds as the service account (or not at all, to search
// anonymously).
func (d *Directory) bindService(conn *ldap.Conn) error {
	if d.cfg.BindDN == "" {
		return nil
	}
	if err := conn.Bind(d.cfg.BindDN, d.cfg.BindPassword); err != nil {
		return unavailable("binding as the service account "+d.cfg.BindDN, err)
	}
	return nil
}

func (d *Directory) findUser(conn *ldap.Conn, username string) (*ldap.Entry, error) {
	attrs := []string{"dn", d.cfg.UsernameAttribute, d.cfg.EmailAttribute, d.cfg.DisplayNameAttribute}
	if d.cfg.GroupBaseDN == "" && d.cfg.GroupAttribute != "" {
		attrs = append(attrs, d.cfg.GroupAttribute)
	}
	filter := strings.ReplaceAll(d.cfg.UserFilter, "%s", ldap.EscapeFilter(username))
	res, err := conn.Search(ldap.NewSearchRequest(d.cfg.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		2, int(d.cfg.Timeout.Seconds()), false, filter, attrs, nil))
	switch {
	case ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded):
		return nil, ErrInvalidCredentials
	case ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject):
		return nil, ErrInvalidCredentials
	case err != nil:
		return nil, unavailable("searching "+d.cfg.BaseDN, err)
	case len(res.Entries) != 1:
		return nil, ErrInvalidCredentials
	}
	return res.Entries[0], nil
}

// groups returns the DNs of the person's groups: their GroupAttribute or,
// with GroupBaseDN, the entries a search there finds. The search runs as
// the service account.
func (d *Directory) groups(conn *ldap.Conn, entry *ldap.Entry, username string) ([]string, error) {
	if d.cfg.GroupBaseDN == "" {
		if d.cfg.GroupAttribute == "" {
			return nil, nil
		}
		return entry.GetAttributeValues(d.cfg.GroupAttribute), nil
	}
	if err := d.bindService(conn); err != nil {
		return nil, err
	}
	filter := strings.NewReplacer("%s", ldap.EscapeFilter(entry.DN), "%u", ldap.EscapeFilter(username)).Replace(d.cfg.GroupFilter)
	res, err := conn.Search(ldap.NewSearchRequest(d.cfg.GroupBaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		0, int(d.cfg.Timeout.Seconds()), false, filter, []string{"dn"}, nil))
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return nil, nil
	}
	if err != nil {
		return nil, unavailable("searching the groups in "+d.cfg.GroupBaseDN, err)
	}
	out := make([]string, 0, len(res.Entries))
	for _, e := range res.Entries {
		out = append(out, e.DN)
	}
	return out, nil
}

// unavailable is the error of a directory that cannot answer: the
// caller sees that LDAP is the problem, the log sees the cause.
func unavailable(doing string, err error) error {
	return domain.Wrap(fmt.Errorf("%s: %w", doing, err), domain.KindUnavailable, "the LDAP directory is unavailable; try again later or ask an administrator")
}
