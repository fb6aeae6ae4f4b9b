package api

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// readyTimeout bounds each readiness probe.
const readyTimeout = 3 * time.Second

// ReadyBody is the /readyz response: "ok" or the reason per dependency.
type ReadyBody struct {
	Status  string            `json:"status"`
	Message string            `json:"message,omitempty"`
	Checks  map[string]string `json:"checks"`
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz probes every dependency in parallel and answers 503 naming each
// one that is not reachable.
func (s *Server) readyz(c *gin.Context) {
	results := make([]string, len(s.readiness))
	var wg sync.WaitGroup
	for i, chk := range s.readiness {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
			defer cancel()
			if err := chk.Probe(ctx); err != nil {
				results[i] = err.Error()
			}
		}()
	}
	wg.Wait()
	body := ReadyBody{Status: "ready", Checks: make(map[string]string, len(results))}
	var failed []string
	for i, chk := range s.readiness {
		if results[i] == "" {
			body.Checks[chk.Name] = "ok"
			continue
		}
		body.Checks[chk.Name] = results[i]
		failed = append(failed, chk.Name)
	}
	if len(failed) > 0 {
		body.Status = "unavailable"
		body.Message = "not ready: " + strings.Join(failed, ", ") + " unreachable"
		c.JSON(http.StatusServiceUnavailable, body)
		return
	}
	c.JSON(http.StatusOK, body)
}
