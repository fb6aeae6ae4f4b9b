package pvesim

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxGuestServers bounds how many containers answer on their guest ports
// at once; containers started beyond it stay silent (and it is logged).
const maxGuestServers = 256

// guestPorts makes running containers whose address is on loopback answer
// HTTP on Config.GuestPorts, so that a gateway in front of them can be
// shown to reach them. A nil *guestPorts (no ports configured) does nothing.
type guestPorts struct {
	ports []int
	log   *slog.Logger

	mu      sync.Mutex
	servers map[int]*guestServer // by VMID
	closed  bool
}

// guestServer is one container's HTTP server on its ports.
type guestServer struct {
	addr netip.Addr
	hs   *http.Server
}

func newGuestPorts(ports []int, log *slog.Logger) (*guestPorts, error) {
	if len(ports) == 0 {
		return nil, nil
	}
	for _, p := range ports {
		if p < 1 || p > 65535 {
			return nil, fmt.Errorf("guest port %d: use 1 to 65535", p)
		}
	}
	return &guestPorts{ports: append([]int(nil), ports...), log: log, servers: map[int]*guestServer{}}, nil
}

func (gp *guestPorts) enabled() bool { return gp != nil }

// serve makes container vmid answer on ip's guest ports, replacing what it
// served before. Nothing listens unless ip is an IPv4 loopback address; a
// port that cannot be had is logged and skipped.
func (gp *guestPorts) serve(vmid int, hostname string, ip netip.Addr) {
	if gp == nil {
		return
	}
	gp.mu.Lock()
	defer gp.mu.Unlock()
	if old := gp.servers[vmid]; old != nil {
		if old.addr == ip {
			return
		}
		_ = old.hs.Close()
		delete(gp.servers, vmid)
	}
	if gp.closed || !ip.Is4() || !ip.IsLoopback() {
		return
	}
	if len(gp.servers) >= maxGuestServers {
		gp.log.Warn("too many containers answer on guest ports; this one stays silent", "vmid", vmid, "limit", maxGuestServers)
		return
	}
	hs := &http.Server{
		Handler:           guestHandler(vmid, hostname),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(gp.log.Handler(), slog.LevelDebug),
	}
	listening := 0
	for _, port := range gp.ports {
		addr := net.JoinHostPort(ip.String(), strconv.Itoa(port))
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			gp.log.Warn("container cannot answer on a guest port", "vmid", vmid, "addr", addr, "err", err)
			continue
		}
		listening++
		go func() { _ = hs.Serve(ln) }()
	}
	if listening == 0 {
		return
	}
	gp.servers[vmid] = &guestServer{addr: ip, hs: hs}
	gp.log.Debug("container answers on its guest ports", "vmid", vmid, "ip", ip, "ports", gp.ports)
}

// stop closes container vmid's listeners and connections, if any.
func (gp *guestPorts) stop(vmid int) {
	if gp == nil {
		return
	}
	gp.mu.Lock()
	defer gp.mu.Unlock()
	if old := gp.servers[vmid]; old != nil {
		_ = old.hs.Close()
		delete(gp.servers, vmid)
	}
}

// close stops every container's server; later serve calls do nothing.
func (gp *guestPorts) close() {
	if gp == nil {
		return
	}
	gp.mu.Lock()
	defer gp.mu.Unlock()
	gp.closed = true
	for vmid, gs := range gp.servers {
		_ = gs.hs.Close()
		delete(gp.servers, vmid)
	}
}

// guestHandler answers every request with 200 and the container's
// hostname and VMID (also in the X-Pvesim-Hostname and X-Pvesim-Vmid
// headers). A WebSocket upgrade is accepted, and the container says the
// same in one text message and closes.
func guestHandler(vmid int, hostname string) http.Handler {
	greeting := fmt.Sprintf("%s (CT %d)\n", hostname, vmid)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Pvesim-Hostname", hostname)
		w.Header().Set("X-Pvesim-Vmid", strconv.Itoa(vmid))
		if isWebSocket(r) {
			serveWebSocket(w, r, greeting)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = fmt.Fprintf(w, "%s%s %s for host %s\n", greeting, r.Method, r.URL.RequestURI(), r.Host)
	})
}

func isWebSocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket") &&
		strings.Contains(strings.ToLower(r.Header.Get("Connection")), "upgrade") && r.Header.Get("Sec-WebSocket-Key") != ""
}

// serveWebSocket completes the RFC 6455 handshake, sends msg as one text
// frame and a close frame, and hangs up.
func serveWebSocket(w http.ResponseWriter, r *http.Request, msg string) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "no upgrade", http.StatusInternalServerError)
		return
	}
	sum := sha1.Sum([]byte(r.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	conn, rw, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(rw, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
		base64.StdEncoding.EncodeToString(sum[:]))
	payload := []byte(msg)
	if len(payload) > 125 {
		payload = payload[:125]
	}
	_, _ = rw.Write(append([]byte{0x81, byte(len(payload))}, payload...)) // FIN + text
	_, _ = rw.Write([]byte{0x88, 0x02, 0x03, 0xe8})                       // FIN + close, 1000
	_ = rw.Flush()
}
