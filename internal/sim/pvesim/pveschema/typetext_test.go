package pveschema

import "testing"

func TestDerivePropertyString(t *testing.T) {
	ps, ok := derivePropertyString("[type=]<tdx-type> ,attestation=<1|0> [,vsock-cid=<integer>] [,vsock-port=<integer>]")
	if !ok {
		t.Fatal("no keys derived")
	}
	want := map[string]struct {
		typ      string
		optional bool
	}{
		"type": {"string", false}, "attestation": {"boolean", false},
		"vsock-cid": {"integer", true}, "vsock-port": {"integer", true},
	}
	if len(ps.Keys()) != len(want) || ps.DefaultKey() != "type" {
		t.Fatalf("keys %v default %q", ps.Keys(), ps.DefaultKey())
	}
	for k, w := range want {
		p, ok := ps.Key(k)
		if !ok || p.Type != w.typ || p.Optional != w.optional {
			t.Errorf("key %s = %+v, want %+v", k, p, w)
		}
	}
	if _, msg := ps.parse("tdx,attestation=yes,vsock-cid=3", "intel-tdx"); msg != "" {
		t.Errorf("valid value rejected: %q", msg)
	}
	if _, msg := ps.parse("tdx", "intel-tdx"); msg != "format error\nintel-tdx.attestation: property is missing and it is not optional\n" {
		t.Errorf("missing required key: %q", msg)
	}

	ps, _ = derivePropertyString("[[cputype=]<string>] [,flags=<+FLAG[;-FLAG...]>] [,hidden=<1|0>]")
	if p, _ := ps.Key("cputype"); p == nil || !p.Optional || ps.DefaultKey() != "cputype" {
		t.Errorf("optional default key not derived: %v", ps.Keys())
	}
	if _, ok := derivePropertyString("<string>"); ok {
		t.Error("derived keys from a typetext without any")
	}
	ps, _ = derivePropertyString("[model=]<enum> [,bridge=<bridge>] [,<model>=<macaddr>]")
	if !ps.obj.additional {
		t.Error("a typetext with <alias>= keys must accept unknown keys")
	}
	ps, _ = derivePropertyString("apitoken=<PVEAPIToken=user@realm!token=SECRET> ,host=<ADDRESS> [,port=<PORT>]")
	if got := ps.Keys(); len(got) != 3 || ps.obj.additional {
		t.Errorf("keys = %v (open %v), want apitoken, host, port", got, ps.obj.additional)
	}
}
