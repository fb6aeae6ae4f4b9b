package pvesim

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// maxBody bounds request bodies; Proxmox itself refuses large POSTs.
const maxBody = 1 << 20

// serveAPI serves one /api2 request in pveproxy's order: authentication,
// method lookup (501), proxying to the node named in the path (595/596 when
// it is unreachable), parameter verification (400), then the method itself.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeRaw(w, http.StatusBadRequest, "unable to read request body", nil)
		return
	}
	rel, ok := strings.CutPrefix(r.URL.Path, "/api2/json")
	if !ok || (rel != "" && rel[0] != '/') {
		s.stats.request(r.Method, "", http.StatusNotImplemented)
		writeAPIError(w, &apiError{status: http.StatusNotImplemented, msg: "no formatter for uri " + r.URL.Path})
		return
	}
	if rel == "" {
		rel = "/"
	}
	rt, pathParams := s.routes.match(r.Method, rel)
	template := ""
	if rt != nil {
		template = rt.template
	}
	status := http.StatusOK
	began := time.Now()
	defer func() {
		s.stats.request(r.Method, template, status)
		if s.log.Enabled(r.Context(), slog.LevelDebug) {
			s.log.Debug("api request", "method", r.Method, "path", rel, "route", template, "status", status, "took", time.Since(began))
		}
	}()

	fail := func(e *apiError) {
		status = e.status
		writeAPIError(w, e)
	}
	c := &call{r: r, route: rt}
	if rt == nil || !rt.noAuth {
		user, aerr := s.authenticate(r)
		if aerr != nil {
			s.delay(r, s.dur.AuthFailureDelay)
			fail(aerr)
			return
		}
		c.user = user
	}
	if rt == nil {
		fail(&apiError{status: http.StatusNotImplemented, msg: fmt.Sprintf("Method '%s %s' not implemented", r.Method, rel)})
		return
	}
	if rt.nodeRouted() {
		if e := s.proxyCheck(r, pathParams["node"]); e != nil {
			fail(e)
			return
		}
	}
	s.injectLatency(r)
	params, raw, perr := parseParams(r, body, pathParams)
	if perr != nil {
		fail(perr)
		return
	}
	c.params = params
	if rt.schema != nil {
		if errs := rt.schema.ValidateAny(raw); len(errs) > 0 {
			fail(paramErr(errs))
			return
		}
	}
	if e := s.injectError(r, rt); e != nil {
		fail(e)
		return
	}
	data, herr := rt.handler(c)
	if herr != nil {
		var ae *apiError
		if !errors.As(herr, &ae) {
			ae = errf("%s", herr.Error())
		}
		if ae.status == http.StatusUnauthorized {
			s.delay(r, s.dur.AuthFailureDelay)
		}
		fail(ae)
		return
	}
	if raw, ok := data.(rawJSON); ok {
		writeRawData(w, raw)
		return
	}
	if lr, ok := data.(listResult); ok {
		writeData(w, lr.data, lr.total)
		return
	}
	writeData(w, data, 0)
}

// proxyCheck answers what pveproxy answers when it forwards a request to a
// node: 500 for an unknown node, 595/596 with an empty body when the node is
// down or an UnreachableRate fault fires.
func (s *Server) proxyCheck(r *http.Request, nodeName string) *apiError {
	s.mu.RLock()
	n := s.st.nodes[nodeName]
	down := n != nil && n.unreachable()
	code := s.faults.NodeDownCode
	rate := s.faults.UnreachableRate
	s.mu.RUnlock()
	if n == nil {
		return errf("hostname lookup '%s' failed - failed to get address info for: %s: Name or service not known", nodeName, nodeName)
	}
	if down {
		if code == 596 {
			return &apiError{status: 596, msg: "Connection timed out", bare: true}
		}
		return &apiError{status: 595, msg: "No route to host", bare: true}
	}
	if hit, v := s.dice.hit(rate, "unreachable", r.Method+" "+r.URL.Path); hit {
		if v < rate/2 {
			return &apiError{status: 595, msg: "Connection refused", bare: true}
		}
		return &apiError{status: 596, msg: "Connection timed out", bare: true}
	}
	return nil
}

// injectLatency sleeps the configured latency plus jitter.
func (s *Server) injectLatency(r *http.Request) {
	s.mu.RLock()
	lat, jit := s.faults.Latency, s.faults.LatencyJitter
	s.mu.RUnlock()
	if lat <= 0 && jit <= 0 {
		return
	}
	d := lat
	if jit > 0 {
		d += time.Duration(s.dice.roll("latency", r.Method+" "+r.URL.Path) * float64(jit))
	}
	s.delay(r, d)
}

// injectError fails the request with a transient 500 per ErrorRate or the
// route's EndpointErrorRates entry.
func (s *Server) injectError(r *http.Request, rt *route) *apiError {
	s.mu.RLock()
	rate := s.faults.ErrorRate
	if er, ok := s.faults.EndpointErrorRates[rt.method+" "+rt.template]; ok {
		rate = er
	}
	text := s.faults.ErrorText
	s.mu.RUnlock()
	hit, v := s.dice.hit(rate, "error", r.Method+" "+r.URL.Path)
	if !hit {
		return nil
	}
	if text == "" {
		text = transientErrors[int(v/rate*float64(len(transientErrors)))%len(transientErrors)]
	}
	return errf("%s", text)
}

// delay waits d unless the client goes away.
func (s *Server) delay(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	case <-s.ctx.Done():
	}
}
