package proxmox

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Guest kinds as they appear in API paths and resource types.
const (
	kindQEMU = "qemu"
	kindLXC  = "lxc"
)

// GuestConfig is a guest's configuration as its .conf file holds it: every
// value as text ("cores" → "2", "net0" → "virtio=BC:24:11:...,bridge=vmbr0").
type GuestConfig map[string]string

// Digest is the config's SHA-1 digest, for optimistic concurrency.
func (g GuestConfig) Digest() string { return g["digest"] }

// Tags returns the guest's tags.
func (g GuestConfig) Tags() []string { return splitTags(g["tags"]) }

// guestConfig reads GET /nodes/{node}/{kind}/{vmid}/config.
func (c *Client) guestConfig(ctx context.Context, op, node, kind string, vmid int) (GuestConfig, error) {
	path, err := guestPath(op, node, kind, vmid, "/config")
	if err != nil {
		return nil, err
	}
	var raw map[string]any
	if err := c.get(ctx, op, node, path, &raw); err != nil {
		return nil, err
	}
	out := make(GuestConfig, len(raw))
	for k, v := range raw {
		out[k] = configValue(v)
	}
	return out, nil
}

// ConfigChange is a configuration update: keys to set, keys to delete and,
// optionally, the digest the change is based on (Proxmox refuses the change,
// as Transient "detected modified configuration", if the config changed).
type ConfigChange struct {
	// Set maps config keys to values: strings, integers, or booleans
	// (sent as 1/0).
	Set    map[string]any
	Delete []string
	Digest string
}

// configKeyPattern is a Proxmox config key (cores, net0, ipconfig0, tags).
var configKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_\-]*$`)

// reservedConfigKeys are request parameters, not config keys.
var reservedConfigKeys = map[string]bool{"node": true, "vmid": true, "digest": true, "delete": true, "skiplock": true, "revert": true}

// body validates the change and renders the request body.
func (ch ConfigChange) body(node, op string) (map[string]any, error) {
	if len(ch.Set) == 0 && len(ch.Delete) == 0 {
		return nil, invalidf(node, op, "empty config change")
	}
	body := make(map[string]any, len(ch.Set)+2)
	for k, v := range ch.Set {
		if !configKeyPattern.MatchString(k) || reservedConfigKeys[k] {
			return nil, invalidf(node, op, "invalid config key %q", k)
		}
		switch x := v.(type) {
		case bool:
			body[k] = boolInt(x)
		case string, int, int64, uint64, float64:
			body[k] = x
		default:
			return nil, invalidf(node, op, "config key %q: unsupported value type %T", k, v)
		}
	}
	if len(ch.Delete) > 0 {
		del := append([]string(nil), ch.Delete...)
		sort.Strings(del)
		for _, k := range del {
			if !configKeyPattern.MatchString(k) || reservedConfigKeys[k] {
				return nil, invalidf(node, op, "invalid config key %q to delete", k)
			}
			if _, both := ch.Set[k]; both {
				return nil, invalidf(node, op, "config key %q is both set and deleted", k)
			}
		}
		body["delete"] = strings.Join(del, ",")
	}
	if ch.Digest != "" {
		body["digest"] = ch.Digest
	}
	return body, nil
}

// tagPattern is Proxmox's pve-tag format.
var tagPattern = regexp.MustCompile(`^[a-zA-Z0-9_][a-zA-Z0-9_\-+.]*$`)

// FormatTags validates tags and joins them the way Proxmox stores them, for
// ConfigChange.Set["tags"].
func FormatTags(tags ...string) (string, error) {
	for _, t := range tags {
		if !tagPattern.MatchString(t) {
			return "", fmt.Errorf("invalid Proxmox tag %q", t)
		}
	}
	return strings.Join(tags, ";"), nil
}

// GuestStatus is a guest's runtime state from .../status/current.
type GuestStatus struct {
	VMID      int
	Name      string
	Status    string // running or stopped
	QMPStatus string // QEMU only: running, paused, stopped, ...
	Lock      string // clone, backup, snapshot, ... or ""
	Template  bool
	Agent     bool // QEMU only: the guest agent is enabled in the config
	Tags      []string
	CPUs      int
	CPU       float64
	Mem       uint64
	MaxMem    uint64
	Uptime    time.Duration
	PID       int
}

// Running reports whether the guest runs.
func (s GuestStatus) Running() bool { return s.Status == "running" }

func (c *Client) guestStatus(ctx context.Context, op, node, kind string, vmid int) (GuestStatus, error) {
	path, err := guestPath(op, node, kind, vmid, "/status/current")
	if err != nil {
		return GuestStatus{}, err
	}
	var w struct {
		VMID      num    `json:"vmid"`
		Name      string `json:"name"`
		Status    string `json:"status"`
		QMPStatus string `json:"qmpstatus"`
		Lock      string `json:"lock"`
		Template  num    `json:"template"`
		Agent     num    `json:"agent"`
		Tags      string `json:"tags"`
		CPUs      num    `json:"cpus"`
		CPU       num    `json:"cpu"`
		Mem       num    `json:"mem"`
		MaxMem    num    `json:"maxmem"`
		Uptime    num    `json:"uptime"`
		PID       num    `json:"pid"`
	}
	if err := c.get(ctx, op, node, path, &w); err != nil {
		return GuestStatus{}, err
	}
	return GuestStatus{
		VMID: w.VMID.int(), Name: w.Name, Status: w.Status, QMPStatus: w.QMPStatus, Lock: w.Lock,
		Template: w.Template.bool(), Agent: w.Agent.bool(), Tags: splitTags(w.Tags), CPUs: w.CPUs.int(),
		CPU: float64(w.CPU), Mem: w.Mem.uint64(), MaxMem: w.MaxMem.uint64(),
		Uptime: time.Duration(w.Uptime.int64()) * time.Second, PID: w.PID.int(),
	}, nil
}

// powerAction starts a status/<action> task on a guest.
func (c *Client) powerAction(ctx context.Context, op, node, kind string, vmid int, action string, body map[string]any) (string, error) {
	path, err := guestPath(op, node, kind, vmid, "/status/"+action)
	if err != nil {
		return "", err
	}
	return c.startTask(ctx, op, node, path, body)
}
