package gateway

// Files are the rendered configuration of one site's gateway host.
type Files struct {
	DnsmasqConf      string // dnsmasq main file
	DnsmasqHosts     string // addn-hosts: container names
	DnsmasqDHCPHosts string // dhcp-hostsfile: static leases
	NginxConf        string // NGINX main file with the http and stream blocks
}

// Render validates s and the options and renders the files. The output is
// a function of its inputs only: equal inputs render byte-equal files.
func Render(s Snapshot, d DnsmasqOptions, n NginxOptions) (Files, error) {
	if err := s.Validate(); err != nil {
		return Files{}, err
	}
	if err := d.validate(); err != nil {
		return Files{}, err
	}
	if err := n.validate(); err != nil {
		return Files{}, err
	}
	return Files{
		DnsmasqConf:      renderDnsmasq(s, d),
		DnsmasqHosts:     renderHosts(s),
		DnsmasqDHCPHosts: renderDHCPHosts(s),
		NginxConf:        renderNginx(s, n),
	}, nil
}
