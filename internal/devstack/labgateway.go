package devstack

import (
	"context"
	"log/slog"
	"time"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/app"
	"github.com/labforge/labforge/workflows"
)

// labApplyTimeout bounds how long the dev stack waits at start for the lab
// gateway's first apply.
const labApplyTimeout = time.Minute

// applyLabGateway asks the lab site's gateway workflow for an apply, as
// POST /api/v1/sites/{id}/gateway/apply does, and waits for its outcome,
// so that NGINX and dnsmasq start on current files. A failed or pending
// apply does not stop the dev stack: the banner shows it.
func applyLabGateway(ctx context.Context, p *app.Platform, site *domain.Site, logger *slog.Logger) workflows.SiteGatewayResult {
	run, err := workflows.RequestSiteGatewayApply(ctx, p.Temporal, site.ID, site.Name, "dev stack start")
	if err != nil {
		logger.Warn("could not request the lab gateway's apply", slog.Any("error", err))
		return workflows.SiteGatewayResult{Status: "not requested", Error: err.Error()}
	}
	wctx, cancel := context.WithTimeout(ctx, labApplyTimeout)
	defer cancel()
	var res workflows.SiteGatewayResult
	if err := run.Get(wctx, &res); err != nil {
		logger.Warn("the lab gateway's apply did not finish", slog.Any("error", err))
		return workflows.SiteGatewayResult{Status: "pending", Error: err.Error()}
	}
	return res
}
