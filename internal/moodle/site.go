package moodle

import (
	"context"
	"slices"
)

// SiteInfo describes the site and the token's user and service.
type SiteInfo struct {
	SiteName string
	SiteURL  string
	Username string
	UserID   int
	Release  string
	Version  string
	// Functions are the web service functions the token may call.
	Functions []string
}

// Missing returns the functions among want (RequiredFunctions when none
// are given) that the token may not call.
func (s SiteInfo) Missing(want ...string) []string {
	if len(want) == 0 {
		want = RequiredFunctions
	}
	var out []string
	for _, f := range want {
		if !slices.Contains(s.Functions, f) {
			out = append(out, f)
		}
	}
	return out
}

// SiteInfo calls core_webservice_get_site_info: a cheap check that the
// site answers and the token is valid, and what it may call.
func (c *Client) SiteInfo(ctx context.Context) (SiteInfo, error) {
	var raw struct {
		SiteName  string `json:"sitename"`
		SiteURL   string `json:"siteurl"`
		Username  string `json:"username"`
		UserID    int    `json:"userid"`
		Release   string `json:"release"`
		Version   string `json:"version"`
		Functions []struct {
			Name string `json:"name"`
		} `json:"functions"`
	}
	if err := c.call(ctx, "SiteInfo", fnSiteInfo, nil, &raw); err != nil {
		return SiteInfo{}, err
	}
	out := SiteInfo{SiteName: raw.SiteName, SiteURL: raw.SiteURL, Username: raw.Username, UserID: raw.UserID,
		Release: raw.Release, Version: raw.Version}
	for _, f := range raw.Functions {
		out.Functions = append(out.Functions, f.Name)
	}
	return out, nil
}
