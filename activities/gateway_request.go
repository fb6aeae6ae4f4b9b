package activities

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
)

// GatewayApplyRequest asks a site's gateway workflow for an apply of its
// newest snapshot on behalf of ReplyTo, the workflow ID that the gateway
// workflow signals once an apply that includes the request is recorded;
// RequestID comes back with that reply, so the requester can tell it
// from the replies to its earlier requests.
type GatewayApplyRequest struct {
	SiteID    uuid.UUID `json:"site_id"`
	SiteName  string    `json:"site_name"`
	ReplyTo   string    `json:"reply_to"`
	RequestID string    `json:"request_id"`
	Reason    string    `json:"reason"`
}

// GatewayRequester sends a GatewayApplyRequest to the site's gateway
// workflow (Signal-With-Start). The worker injects it: activities cannot
// import the workflows package that defines the workflow.
type GatewayRequester func(ctx context.Context, r GatewayApplyRequest) error

// RequestApply asks the site's gateway workflow for an apply, starting
// the workflow if none runs. Asking twice asks for one more apply at most
// (requests during an apply are coalesced), so it is safe to retry. A
// worker without a requester fails with a non-retryable Invalid.
func (g *Gateways) RequestApply(ctx context.Context, r GatewayApplyRequest) error {
	if g.Request == nil {
		return temporal.NewNonRetryableApplicationError("this worker cannot request gateway applies (no requester)", ErrTypeInvalid,
			errors.New("Gateways.Request is nil"))
	}
	return classify(g.Request(ctx, r))
}
