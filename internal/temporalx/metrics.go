package temporalx

import (
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/uber-go/tally/v4"
	tallyprom "github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/sdk/client"
	sdktally "go.temporal.io/sdk/contrib/tally"
)

// metricsInterval is how often tally pushes buffered values to Prometheus.
const metricsInterval = time.Second

var (
	handlersMu sync.Mutex
	handlers   = map[prometheus.Registerer]client.MetricsHandler{}
)

// metricsHandler returns the SDK metrics handler that reports to reg, one
// per registerer for the life of the process: clients dialed with the same
// registerer share it, because Prometheus refuses a second registration of
// the same series.
func metricsHandler(reg prometheus.Registerer, logger *slog.Logger) client.MetricsHandler {
	handlersMu.Lock()
	defer handlersMu.Unlock()
	if h, ok := handlers[reg]; ok {
		return h
	}
	reporter := tallyprom.NewReporter(tallyprom.Options{
		Registerer:       reg,
		DefaultTimerType: tallyprom.HistogramTimerType,
		OnRegisterError: func(err error) {
			logger.Warn("Temporal SDK metric not exported", slog.Any("error", err))
		},
	})
	scope, _ := tally.NewRootScope(tally.ScopeOptions{
		CachedReporter:  reporter,
		Separator:       tallyprom.DefaultSeparator,
		SanitizeOptions: &sdktally.PrometheusSanitizeOptions,
	}, metricsInterval)
	h := sdktally.NewMetricsHandler(sdktally.NewPrometheusNamingScope(scope))
	handlers[reg] = h
	return h
}
