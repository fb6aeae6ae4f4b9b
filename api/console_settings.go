package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// ConsoleSettings are the deployment's settings the web console needs at
// run time, so that one build of it serves every deployment.
type ConsoleSettings struct {
	// TemporalUIURL is the Temporal Web UI (LABFORGE_TEMPORAL_UI_URL,
	// without a trailing slash); empty when none is configured.
	TemporalUIURL string `json:"temporal_ui_url"`
	// TemporalNamespace is the namespace Labforge's workflows run in.
	TemporalNamespace string `json:"temporal_namespace"`
}

// getConsoleSettings answers any signed-in user with the console settings.
func (s *Server) getConsoleSettings(c *gin.Context) {
	c.JSON(http.StatusOK, s.consoleSettings)
}
