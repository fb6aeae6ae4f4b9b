package pvesim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Proxmox's API server (pve-http-server) puts an error's message in the HTTP
// reason phrase ("HTTP/1.1 500 VM 104 already running") and closes the
// connection after every status of 400 or more. net/http can only write the
// standard reason phrase, so errors are written on the hijacked connection
// as raw HTTP/1.1 and the connection is then closed, exactly as pveproxy
// does; successful answers go through net/http with keep-alive as usual.

// serverHeader is what pveproxy sends as Server.
const serverHeader = "pve-api-daemon/3.0"

// apiError is an API failure: the HTTP status, the message Proxmox puts in
// the reason phrase and body, and per-parameter errors for 400s.
type apiError struct {
	status int
	msg    string
	errors map[string]string
	// bare answers without a body, as proxy (595/596) and auth (401) errors do.
	bare bool
}

func (e *apiError) Error() string { return e.msg }

// errf is a 500 with a Proxmox message.
func errf(format string, args ...any) *apiError {
	return &apiError{status: http.StatusInternalServerError, msg: fmt.Sprintf(format, args...)}
}

// paramErr is Proxmox's 400 "Parameter verification failed.".
func paramErr(errs map[string]string) *apiError {
	return &apiError{status: http.StatusBadRequest, msg: "Parameter verification failed.", errors: errs}
}

// writeData answers 200 with the {"data": ...} envelope.
func writeData(w http.ResponseWriter, data any, total int) {
	env := struct {
		Data  any `json:"data"`
		Total int `json:"total,omitempty"`
	}{Data: data, Total: total}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(env); err != nil {
		writeRaw(w, http.StatusInternalServerError, "unable to encode result", nil)
		return
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline; pveproxy sends none
	h := w.Header()
	setCommonHeaders(h)
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

// writeAPIError answers an apiError with the message in the reason phrase
// and, unless the error is bare, pve-http-server's JSON body.
func writeAPIError(w http.ResponseWriter, e *apiError) {
	if e.bare {
		writeRaw(w, e.status, e.msg, nil)
		return
	}
	body := map[string]any{"data": nil, "message": e.msg + "\n"}
	if len(e.errors) > 0 {
		body["errors"] = e.errors
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(body)
	writeRaw(w, e.status, e.msg, bytes.TrimRight(buf.Bytes(), "\n"))
}

// setCommonHeaders sets the headers pveproxy sends with every answer.
func setCommonHeaders(h http.Header) {
	now := time.Now().UTC().Format(http.TimeFormat)
	h.Set("Server", serverHeader)
	h.Set("Date", now)
	h.Set("Expires", now)
	h.Set("Cache-Control", "max-age=0")
	h.Set("Pragma", "no-cache")
}

// writeRaw writes a complete HTTP/1.1 response with a custom reason phrase
// on the hijacked connection and closes it. Only the first line of reason is
// used, as pveproxy does. An empty body sends no Content-Length, like
// pveproxy's proxied 595/596 errors.
func writeRaw(w http.ResponseWriter, status int, reason string, body []byte) {
	reason, _, _ = strings.Cut(reason, "\n")
	reason = strings.TrimRight(reason, "\r")
	if reason == "" {
		reason = http.StatusText(status)
	}
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2 or a test recorder): fall back to the
		// standard reason phrase.
		w.Header().Set("Connection", "close")
		w.WriteHeader(status)
		_, _ = w.Write(body)
		return
	}
	defer conn.Close()
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %03d %s\r\n", status, reason)
	h := http.Header{}
	setCommonHeaders(h)
	h.Set("Connection", "close")
	if len(body) > 0 {
		h.Set("Content-Type", "application/json;charset=UTF-8")
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	_ = h.Write(&b)
	b.WriteString("\r\n")
	b.Write(body)
	_ = conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, _ = rw.Write(b.Bytes())
	_ = rw.Flush()
}

// rawJSON is a handler result that is already encoded JSON; it is written
// into the envelope as is.
type rawJSON []byte

// writeRawData answers 200 with pre-encoded data in the envelope.
func writeRawData(w http.ResponseWriter, data rawJSON) {
	h := w.Header()
	setCommonHeaders(h)
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(data)+len(`{"data":}`)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"data":`))
	_, _ = w.Write(data)
	_, _ = w.Write([]byte(`}`))
}
