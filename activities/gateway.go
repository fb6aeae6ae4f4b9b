package activities

import (
	"context"
	"errors"

	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/internal/gateway"
)

// Gateway runs on a site's gateway host (queue gateway.<site>) and owns
// its NGINX and dnsmasq configuration through an Applier. It never reads
// PostgreSQL: the snapshot it applies is read on core (Gateways) and
// passed in.
type Gateway struct {
	Applier *gateway.Applier
}

func (g *Gateway) validate() error {
	if g.Applier == nil {
		return errors.New("the gateway activities need a gateway applier")
	}
	return nil
}

// ApplySiteGateway makes the host's NGINX and dnsmasq serve s; applying
// the snapshot that is already served does nothing (Result.Changed is
// false). An invalid snapshot fails with the non-retryable type Invalid
// and touches nothing; a configuration nginx -t, dnsmasq --test or a
// reload rejects is rolled back and fails with the non-retryable type
// GatewayRejected carrying the tool's message. Other failures (files that
// cannot be written, a busy applier) are retryable.
func (g *Gateway) ApplySiteGateway(ctx context.Context, s gateway.Snapshot) (gateway.Result, error) {
	res, err := g.Applier.Apply(ctx, s)
	return res, classifyGateway(err)
}

// classifyGateway turns an Applier error into a Temporal application error.
func classifyGateway(err error) error {
	if err == nil {
		return nil
	}
	var ve *gateway.ValidationError
	if errors.As(err, &ve) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
	}
	var te *gateway.ToolError
	if errors.As(err, &te) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeGatewayRejected, err, te.Tool, te.Step, te.Output)
	}
	return err
}
