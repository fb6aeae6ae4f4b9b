package pvesim_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// bigSeed is the default cluster with n more guests, half of them running.
func bigSeed(n int) *pvesim.Seed {
	seed := pvesim.DefaultSeed()
	for i := 0; i < n; i++ {
		g := pvesim.SeedGuest{VMID: 10000 + i, Node: "pve1", Name: "guest-" + strconv.Itoa(i), Pool: "labforge", Tags: "labforge;bench"}
		if i%2 == 1 {
			g.Node = "pve2"
			g.Status = "running"
		}
		if i%5 == 0 {
			g.Type = "lxc"
		}
		seed.Guests = append(seed.Guests, g)
	}
	return seed
}

// benchClient keeps connections alive across requests.
func benchClient(s *pvesim.Server) *http.Client {
	c := s.Client()
	c.Transport.(*http.Transport).MaxIdleConnsPerHost = 256
	return c
}

func doBench(b *testing.B, c *http.Client, req *http.Request) {
	res, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		b.Fatalf("%s %s: %s", req.Method, req.URL.Path, res.Status)
	}
}

// BenchmarkClusterResources5000 is GET /cluster/resources over HTTPS with
// 5,000 guests, as Labforge's inventory sync polls it.
func BenchmarkClusterResources5000(b *testing.B) {
	s := newSim(b, func(c *pvesim.Config) { c.Seed = bigSeed(5000) })
	c := benchClient(s)
	_, _, auth := s.Token()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		req, _ := http.NewRequest(http.MethodGet, s.APIURL()+"/cluster/resources", nil)
		req.Header.Set("Authorization", auth)
		doBench(b, c, req)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkClusterResources5000Handler is the same request served in
// process without TLS or a client, to isolate the simulator's own cost.
func BenchmarkClusterResources5000Handler(b *testing.B) {
	s := newSim(b, func(c *pvesim.Config) { c.Seed = bigSeed(5000) })
	_, _, auth := s.Token()
	req := httptest.NewRequest(http.MethodGet, "/api2/json/cluster/resources?type=vm", nil)
	req.Header.Set("Authorization", auth)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkConcurrentClone posts linked clones from parallel clients, each
// to a fresh VMID, and reports accepted clone requests per second.
func BenchmarkConcurrentClone(b *testing.B) {
	s := newSim(b, func(c *pvesim.Config) {
		c.TimeScale = 0.0001
		c.StorageLockLimit = -1
	})
	c := benchClient(s)
	_, _, auth := s.Token()
	var next atomic.Int64
	next.Store(100000)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := next.Add(1)
			req, _ := http.NewRequest(http.MethodPost, s.APIURL()+"/nodes/pve1/qemu/9000/clone",
				strings.NewReader("newid="+strconv.FormatInt(id, 10)+"&pool=labforge"))
			req.Header.Set("Authorization", auth)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			doBench(b, c, req)
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
	b.StopTimer()
	if !s.WaitTasks(30 * time.Second) {
		b.Fatal("clone tasks did not finish")
	}
}
