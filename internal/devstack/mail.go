package devstack

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"syscall"

	"github.com/labforge/labforge/internal/sim/smtpsink"
)

// SMTPPortVariable names the port setting of the dev stack's SMTP sink.
const SMTPPortVariable = "LABFORGE_DEV_SMTP_PORT"

// MailPath is where the dev stack's API serves the mail its SMTP sink
// received: an HTML page, and MailPath + ".json".
const MailPath = "/dev/mail"

// startMailSink starts the SMTP sink the platform sends its e-mail to, on
// 127.0.0.1:port (any free port for 0), plain SMTP without login.
func startMailSink(port int, logger *slog.Logger) (*smtpsink.Sink, error) {
	sink, err := smtpsink.Start(smtpsink.Options{Addr: "127.0.0.1:" + strconv.Itoa(port), Logger: logger})
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("port %d is in use; stop the other SMTP server or set %s", port, SMTPPortVariable)
	}
	if err != nil {
		return nil, fmt.Errorf("the SMTP sink (%s): %w", SMTPPortVariable, err)
	}
	return sink, nil
}

// mailEnv points the platform's e-mail at the sink, replacing any
// LABFORGE_SMTP_* setting of the environment.
func mailEnv(sink *smtpsink.Sink) []string {
	return []string{
		"LABFORGE_SMTP_HOST=" + sink.Host(),
		"LABFORGE_SMTP_PORT=" + strconv.Itoa(sink.Port()),
		"LABFORGE_SMTP_TLS=none",
		"LABFORGE_SMTP_USERNAME=",
		"LABFORGE_SMTP_PASSWORD=",
	}
}

// withDevMail serves the sink's mail at MailPath and MailPath.json beside
// api. Only the dev stack adds these routes: the API's own router has none.
func withDevMail(api http.Handler, sink *smtpsink.Sink) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET "+MailPath, sink.Handler())
	mux.Handle("GET "+MailPath+".json", sink.Handler())
	mux.Handle("/", api)
	return mux
}
