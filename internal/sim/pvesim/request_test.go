package pvesim

import (
	"net/http"
	"strings"
	"testing"
)

// A JSON null body is refused with a 400, not a dropped connection.
func TestNullJSONBodyIsRejected(t *testing.T) {
	s := New(Config{TimeScale: 0.001})
	defer s.Close()
	_, _, auth := s.Token()
	req, err := http.NewRequest(http.MethodPost, s.APIURL()+"/nodes/pve1/qemu/9000/clone", strings.NewReader("null"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("the simulator dropped the connection: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(resp.Status, "malformed JSON string") {
		t.Fatalf("got %q, want 400 malformed JSON string", resp.Status)
	}
}
