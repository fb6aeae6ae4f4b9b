package pvesim_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestGuestPorts checks that a running container with a loopback address
// answers HTTP (and a WebSocket upgrade) on the guest ports with its
// hostname and VMID, and stops answering when it stops, is destroyed or
// the simulator closes.
func TestGuestPorts(t *testing.T) {
	port := freeLoopbackPort(t)
	s := newSim(t, func(c *pvesim.Config) {
		seed := pvesim.DefaultSeed()
		seed.Bridges = append(seed.Bridges, pvesim.SeedBridge{Name: "vmbr1", CIDR: "127.88.0.0/24", Gateway: "127.88.0.1",
			PoolStart: "127.88.0.10", PoolEnd: "127.88.0.250"})
		c.Seed = seed
		c.GuestPorts = []int{port}
	})
	c := newClient(t, s)
	cx := ctx(t)
	n, _ := c.Node(cx, "pve1")
	const mac = "BC:24:11:AA:DD:01"
	if err := s.SetLease(mac, "127.88.0.20"); err != nil {
		t.Fatal(err)
	}
	create := func(vmid int, net0 string) *proxmox.Container {
		task, err := n.NewContainer(cx, vmid, proxmox.ContainerOption{Name: "ostemplate", Value: debianTemplate},
			proxmox.ContainerOption{Name: "storage", Value: "local-lvm"}, proxmox.ContainerOption{Name: "start", Value: 1},
			proxmox.ContainerOption{Name: "hostname", Value: "web" + strconv.Itoa(vmid)},
			proxmox.ContainerOption{Name: "net0", Value: net0})
		mustOK(t, task, err)
		waitSimTask(t, s, "vzstart", vmid)
		ct, err := n.Container(cx, vmid)
		if err != nil {
			t.Fatal(err)
		}
		return ct
	}
	leased := create(670, "name=eth0,bridge=vmbr1,hwaddr="+mac+",ip=dhcp")
	static := create(671, "name=eth0,bridge=vmbr1,ip=127.88.0.9/24")
	create(672, "name=eth0,bridge=vmbr0,ip=dhcp") // not on loopback: silent

	leasedAddr := "127.88.0.20:" + strconv.Itoa(port)
	staticAddr := "127.88.0.9:" + strconv.Itoa(port)
	if body := get(t, leasedAddr); !strings.Contains(body, "web670 (CT 670)") {
		t.Errorf("leased container answered %q", body)
	}
	if body := get(t, staticAddr); !strings.Contains(body, "web671 (CT 671)") {
		t.Errorf("static container answered %q", body)
	}
	if msg := webSocketMessage(t, staticAddr); msg != "web671 (CT 671)\n" {
		t.Errorf("WebSocket message %q", msg)
	}

	task, err := leased.Stop(cx)
	mustOK(t, task, err)
	refused(t, leasedAddr)
	task, err = leased.Start(cx)
	mustOK(t, task, err)
	if body := get(t, leasedAddr); !strings.Contains(body, "CT 670") {
		t.Errorf("restarted container answered %q", body)
	}

	task, err = static.Delete(cx, &proxmox.ContainerDeleteOptions{Force: true})
	mustOK(t, task, err)
	refused(t, staticAddr)

	s.Close()
	refused(t, leasedAddr)
}

// freeLoopbackPort returns a TCP port that was free on 127.0.0.1.
func freeLoopbackPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// get fetches http://addr/ and wants 200.
func get(t *testing.T, addr string) string {
	t.Helper()
	hc := &http.Client{Timeout: 5 * time.Second}
	resp, err := hc.Get("http://" + addr + "/hello")
	if err != nil {
		t.Fatalf("GET %s: %v", addr, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s = %d", addr, resp.StatusCode)
	}
	return string(b)
}

// refused checks that nothing listens on addr.
func refused(t *testing.T, addr string) {
	t.Helper()
	if conn, err := net.DialTimeout("tcp", addr, 2*time.Second); err == nil {
		conn.Close()
		t.Errorf("%s still answers", addr)
	}
}

// webSocketMessage upgrades a connection to addr and returns the first
// text message.
func webSocketMessage(t *testing.T, addr string) string {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(conn, "GET /ws HTTP/1.1\r\nHost: web\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("upgrade = %d %v", resp.StatusCode, resp.Header)
	}
	head := make([]byte, 2)
	if _, err := io.ReadFull(r, head); err != nil || head[0] != 0x81 {
		t.Fatalf("frame header %x: %v", head, err)
	}
	msg := make([]byte, head[1]&0x7f)
	if _, err := io.ReadFull(r, msg); err != nil {
		t.Fatal(err)
	}
	return string(msg)
}
