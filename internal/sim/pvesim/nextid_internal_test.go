package pvesim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestNextIDRangeExhausted checks PVE::API2::Cluster's nextid when every
// VMID from 100 below 1000000 (its default bounds, lower than the
// schema's maximum) is taken.
func TestNextIDRangeExhausted(t *testing.T) {
	s := newTestServer(t)
	s.mu.Lock()
	filler := &guest{kind: kindQEMU, node: "pve1", conf: map[string]string{}}
	for id := 100; id < 1_000_000; id++ {
		if s.st.guests[id] == nil {
			s.st.guests[id] = filler
		}
	}
	s.mu.Unlock()
	req := httptest.NewRequest(http.MethodGet, "/api2/json/cluster/nextid", nil)
	_, _, h := s.Token()
	req.Header.Set("Authorization", h)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	const want = "unable to get any free VMID in range [100, 1000000]"
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), `"message":"`+want+`\n"`) {
		t.Errorf("nextid with no free VMID: %d %s", rec.Code, rec.Body.String())
	}
}
