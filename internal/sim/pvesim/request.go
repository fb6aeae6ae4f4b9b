package pvesim

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labforge/labforge/internal/sim/pvesim/pveschema"
)

// call is one API request being served.
type call struct {
	r      *http.Request
	route  *route
	params map[string]string // path, query and body parameters merged
	user   string            // authenticated user, or token ID (user@realm!name)
}

// str returns a parameter, or "".
func (c *call) str(name string) string { return c.params[name] }

// has reports whether a parameter was sent.
func (c *call) has(name string) bool {
	_, ok := c.params[name]
	return ok
}

// int returns an integer parameter and whether it was sent and valid.
func (c *call) int(name string) (int, bool) {
	v, ok := c.params[name]
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	return n, err == nil
}

// bool returns a boolean parameter as Proxmox parses it (1/on/yes/true).
func (c *call) bool(name string) bool {
	switch strings.ToLower(c.params[name]) {
	case "1", "on", "yes", "true":
		return true
	}
	return false
}

// vmid returns the {vmid} path parameter.
func (c *call) vmid() int {
	n, _ := c.int("vmid")
	return n
}

// parseParams collects a request's parameters as pve-http-server does:
// the body (JSON or form-encoded) for POST and PUT, then the query string on
// top, then the template parameters of the path, which must not conflict.
// It returns them as strings for the handlers (JSON booleans become 1/0,
// numbers keep their literal text) and as decoded values for validation,
// which judges JSON booleans and numbers by their JSON type as Proxmox does.
func parseParams(r *http.Request, body []byte, pathParams map[string]string) (map[string]string, map[string]any, *apiError) {
	raw := map[string]any{}
	if (r.Method == http.MethodPost || r.Method == http.MethodPut) && len(bytes.TrimSpace(body)) > 0 {
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct == "application/json" {
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			if err := dec.Decode(&raw); err != nil {
				return nil, nil, &apiError{status: http.StatusBadRequest, msg: "malformed JSON string: " + err.Error()}
			}
			if raw == nil { // the body was JSON null
				return nil, nil, &apiError{status: http.StatusBadRequest, msg: "malformed JSON string: the request body must be a JSON object"}
			}
		} else {
			q, err := url.ParseQuery(string(body))
			if err != nil {
				return nil, nil, &apiError{status: http.StatusBadRequest, msg: "unable to parse form data: " + err.Error()}
			}
			for k, v := range q {
				raw[k] = strings.Join(v, "\x00")
			}
		}
	}
	for k, v := range r.URL.Query() {
		raw[k] = strings.Join(v, "\x00")
	}
	delete(raw, "_dc")
	request := make(map[string]string, len(raw))
	for k, v := range raw {
		if s, ok := jsonParam(v); ok {
			request[k] = s
		}
	}
	params, errs := pveschema.MergeParams(pathParams, request)
	if errs != nil {
		return nil, nil, paramErr(errs)
	}
	for k, v := range pathParams {
		raw[k] = v
	}
	return params, raw, nil
}

// jsonParam renders a decoded JSON value as the string Perl would see.
func jsonParam(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		if x {
			return "1", true
		}
		return "0", true
	default:
		b, _ := json.Marshal(x)
		return string(b), true
	}
}
