package domain_test

import (
	"testing"

	"github.com/labforge/labforge/domain"
)

func TestJSONObjectLeavesSecretsOut(t *testing.T) {
	got := domain.JSONObject(domain.Node{Name: "pve1", TokenSecret: "s3cret"})
	if got["name"] != "pve1" {
		t.Fatalf("name: got %v", got["name"])
	}
	if _, ok := got["TokenSecret"]; ok || len(got) == 0 {
		t.Fatalf("the token secret reached the map: %v", got)
	}
	var none *domain.VM
	if domain.JSONObject(none) != nil || domain.JSONObject(nil) != nil || domain.JSONObject([]int{1}) != nil {
		t.Fatal("nil values and non-objects must give nil")
	}
}
