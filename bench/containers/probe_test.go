package containers

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// prober reaches containers the way the public does, through the
// gateway host on this machine: HTTP to NGINX with the service's name as
// Host (every name dials NGINX's loopback port, as curl --resolve would),
// and DNS questions to dnsmasq.
type prober struct {
	hc      *http.Client
	dnsAddr string
}

func newProber(g *gatewayHost, conns int) *prober {
	nginx := net.JoinHostPort("127.0.0.1", strconv.Itoa(g.httpPort))
	t := transport(1)
	t.MaxIdleConns = conns
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	t.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, nginx)
	}
	return &prober{hc: &http.Client{Timeout: 10 * time.Second, Transport: t},
		dnsAddr: net.JoinHostPort("127.0.0.1", strconv.Itoa(g.dnsPort))}
}

// firstOK polls http://<name>/ through NGINX every interval until the
// container hostname answers 200 itself (its body names it), and returns
// when; it gives up when ctx ends.
func (p *prober) firstOK(ctx context.Context, name, hostname string, interval time.Duration) (time.Time, error) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	last := "no answer"
	for {
		ok, status, err := p.get(ctx, name, hostname)
		switch {
		case ok:
			return time.Now(), nil
		case err != nil:
			last = err.Error()
		default:
			last = status
		}
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("http://%s/ through NGINX never answered 200 from %s (last: %s)", name, hostname, last)
		case <-tick.C:
		}
	}
}

// get asks NGINX once for http://<name>/.
func (p *prober) get(ctx context.Context, name, hostname string) (bool, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+name+"/", nil)
	if err != nil {
		return false, "", err
	}
	resp, err := p.hc.Do(req)
	if err != nil {
		return false, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		return false, "", err
	}
	return resp.StatusCode == http.StatusOK && strings.Contains(string(body), hostname), resp.Status, nil
}

// resolve asks dnsmasq for the A record of fqdn.
func (p *prober) resolve(fqdn string) (netip.Addr, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(fqdn), dns.TypeA)
	c := &dns.Client{Timeout: 5 * time.Second}
	in, _, err := c.Exchange(m, p.dnsAddr)
	if err != nil {
		return netip.Addr{}, err
	}
	for _, rr := range in.Answer {
		if a, ok := rr.(*dns.A); ok {
			if ip, ok := netip.AddrFromSlice(a.A.To4()); ok {
				return ip, nil
			}
		}
	}
	return netip.Addr{}, fmt.Errorf("dnsmasq has no A record for %s (rcode %s)", fqdn, dns.RcodeToString[in.Rcode])
}
