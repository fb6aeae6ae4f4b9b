package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
)

// IdempotencyKeyHeader names the request header that makes a request that
// starts work safe to retry.
const IdempotencyKeyHeader = "Idempotency-Key"

// IdempotentReplayedHeader is set on an answer sent again for a repeated
// Idempotency-Key.
const IdempotentReplayedHeader = "Idempotent-Replayed"

// maxIdempotencyKey is the longest Idempotency-Key accepted.
const maxIdempotencyKey = 255

// idempotent makes a route that starts work honour an Idempotency-Key:
// the same key from the same user within domain.IdempotencyWindow gets
// the first answer (status, body, Location) and starts nothing; the same
// key with a different request answers 422; a duplicate arriving while
// the first is being answered gets 409. The key is claimed in PostgreSQL
// before the handler runs, so two API replicas cannot both start the
// work. Only successful answers are kept: an error means nothing was
// started, and the client may send the request again with the same key.
func (s *Server) idempotent() gin.HandlerFunc {
	return func(c *gin.Context) {
		key := c.GetHeader(IdempotencyKeyHeader)
		if key == "" {
			c.Next()
			return
		}
		if !validIdempotencyKey(key) {
			abortWithError(c, &domain.Error{Kind: domain.KindInvalid, Message: "the Idempotency-Key header is not valid",
				Fields: map[string]string{IdempotencyKeyHeader: "must be 1-255 printable ASCII characters"}})
			return
		}
		body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxBodyBytes+1))
		if err != nil {
			abortWithError(c, domain.Errorf(domain.KindInvalid, "could not read the request body: %v", err))
			return
		}
		if len(body) > maxBodyBytes {
			abortWithError(c, domain.Errorf(domain.KindInvalid, "the request body is larger than 1 MiB"))
			return
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(body))

		ctx := c.Request.Context()
		user := currentUser(c).ID
		stored, err := s.idempotency.ClaimIdempotencyKey(ctx, user, key, requestFingerprint(c.Request, body))
		if err != nil {
			abortWithError(c, err)
			return
		}
		if stored != nil {
			if stored.Location != "" {
				c.Header("Location", stored.Location)
			}
			c.Header(IdempotentReplayedHeader, "true")
			c.Data(stored.Status, "application/json; charset=utf-8", stored.Body)
			c.Abort()
			return
		}

		rec := &recordingWriter{ResponseWriter: c.Writer}
		c.Writer = rec
		finished := false
		// A panicking handler started nothing the client was told of:
		// free the key for a retry.
		defer func() {
			if !finished {
				s.releaseIdempotencyKey(c, key)
			}
		}()
		c.Next()
		finished = true
		status := rec.Status()
		if status < 200 || status > 299 {
			s.releaseIdempotencyKey(c, key)
			return
		}
		resp := domain.IdempotentResponse{Status: status, Location: rec.Header().Get("Location"), Body: rec.body.Bytes()}
		if err := s.idempotency.CompleteIdempotencyKey(context.WithoutCancel(ctx), user, key, resp); err != nil {
			// The marker stays in progress: a retry waits for it to
			// go stale rather than starting the work twice at once.
			loggerFrom(c).Error("could not store the answer of an Idempotency-Key", slog.Any("error", err))
		}
	}
}

func (s *Server) releaseIdempotencyKey(c *gin.Context, key string) {
	ctx := context.WithoutCancel(c.Request.Context())
	if err := s.idempotency.ReleaseIdempotencyKey(ctx, currentUser(c).ID, key); err != nil {
		loggerFrom(c).Warn("could not release an Idempotency-Key", slog.Any("error", err))
	}
}

// validIdempotencyKey accepts 1-255 printable ASCII characters, such as a
// UUID.
func validIdempotencyKey(key string) bool {
	if len(key) == 0 || len(key) > maxIdempotencyKey {
		return false
	}
	for i := range len(key) {
		if key[i] < 0x21 || key[i] > 0x7e {
			return false
		}
	}
	return true
}

// requestFingerprint identifies a request for an Idempotency-Key: its
// method, path, query and body.
func requestFingerprint(r *http.Request, body []byte) string {
	h := sha256.New()
	io.WriteString(h, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+"\n")
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// recordingWriter keeps a copy of the body it writes.
type recordingWriter struct {
	gin.ResponseWriter
	body bytes.Buffer
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *recordingWriter) WriteString(s string) (int, error) {
	w.body.WriteString(s)
	return w.ResponseWriter.WriteString(s)
}
