package guacamole

import (
	"net/http"
	"net/url"
	"strings"
)

// handler serves one route; p holds the template's path parameters.
type handler func(s *Server, w http.ResponseWriter, r *http.Request, p map[string]string)

type route struct {
	method   string
	template string // e.g. "/api/session/data/{ds}/connections/{id}"
	handle   handler
}

// routes are the endpoints Labforge uses. Handlers under /api/session go
// through authed, which checks the token and the data source first.
var routes = []route{
	{http.MethodPost, "/api/tokens", (*Server).signIn},
	{http.MethodDelete, "/api/tokens/{token}", (*Server).signOut},
	{http.MethodGet, "/api/session/data/{ds}/connections", authed((*Server).listConnections)},
	{http.MethodPost, "/api/session/data/{ds}/connections", authed((*Server).createConnection)},
	{http.MethodGet, "/api/session/data/{ds}/connections/{id}", authed((*Server).getConnection)},
	{http.MethodDelete, "/api/session/data/{ds}/connections/{id}", authed((*Server).deleteConnection)},
	{http.MethodGet, "/api/session/data/{ds}/users", authed((*Server).listUsers)},
	{http.MethodPost, "/api/session/data/{ds}/users", authed((*Server).createUser)},
	{http.MethodGet, "/api/session/data/{ds}/users/{username}", authed((*Server).getUser)},
	{http.MethodDelete, "/api/session/data/{ds}/users/{username}", authed((*Server).deleteUser)},
	{http.MethodGet, "/api/session/data/{ds}/users/{username}/permissions", authed((*Server).getPermissions)},
	{http.MethodPatch, "/api/session/data/{ds}/users/{username}/permissions", authed((*Server).patchPermissions)},
}

// match finds the route for method and the escaped path of a request.
func match(method, escapedPath string) (*route, map[string]string) {
	segs := strings.Split(strings.Trim(escapedPath, "/"), "/")
	for i := range routes {
		rt := &routes[i]
		if rt.method != method {
			continue
		}
		if p, ok := matchSegments(strings.Split(strings.Trim(rt.template, "/"), "/"), segs); ok {
			return rt, p
		}
	}
	return nil, nil
}

func matchSegments(tmpl, segs []string) (map[string]string, bool) {
	if len(tmpl) != len(segs) {
		return nil, false
	}
	p := map[string]string{}
	for i, t := range tmpl {
		if strings.HasPrefix(t, "{") {
			v, err := url.PathUnescape(segs[i])
			if err != nil || v == "" {
				return nil, false
			}
			p[strings.Trim(t, "{}")] = v
		} else if t != segs[i] {
			return nil, false
		}
	}
	return p, true
}

// sessionHandler serves a route under /api/session for a signed-in user.
// who is the token's username; the handler takes the lock itself.
type sessionHandler func(s *Server, w http.ResponseWriter, r *http.Request, p map[string]string, who string)

// authed checks the request's token (header Guacamole-Token, or query
// parameter token) and the data source, then calls h with the token's user.
func authed(h sessionHandler) handler {
	return func(s *Server, w http.ResponseWriter, r *http.Request, p map[string]string) {
		token := r.Header.Get("Guacamole-Token")
		if token == "" {
			token = r.URL.Query().Get("token")
		}
		who, ok := s.touch(token)
		if !ok {
			writeError(w, typePermissionDenied, msgTokenDenied)
			return
		}
		if p["ds"] != s.cfg.DataSource {
			writeError(w, typeNotFound, "No such data source: \""+p["ds"]+"\"")
			return
		}
		h(s, w, r, p, who)
	}
}
