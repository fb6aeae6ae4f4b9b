package gateway

import (
	"fmt"
	"path/filepath"
	"strings"
)

// File names inside NginxOptions.Prefix that the rendered configuration
// gives NGINX, and the Applier reads.
const (
	nginxPidName      = "nginx.pid"
	nginxErrorLogName = "error.log"
)

// renderNginx renders NGINX's whole configuration: the main context with
// every path inside o.Prefix, an http block with one server per HTTP
// service, a 404 default server (which refuses TLS handshakes for names
// it does not know) and, per external domain with a certificate, a 404
// server for the unknown names under it over TLS; and a stream block with
// one server per TCP/UDP service. s must be valid.
func renderNginx(s Snapshot, o NginxOptions) string {
	c := s.canonical()
	var b strings.Builder
	fmt.Fprintf(&b, "# NGINX for site %s, rendered by Labforge, edits are overwritten.\n", s.Site)
	if o.StreamModule != "" {
		fmt.Fprintf(&b, "load_module %s;\n", o.StreamModule)
	}
	if o.User != "" {
		fmt.Fprintf(&b, "user %s;\n", o.User)
	}
	p := func(name string) string { return filepath.Join(o.Prefix, name) }
	fmt.Fprintf(&b, "worker_processes 1;\npid %s;\nerror_log %s notice;\n", p(nginxPidName), p(nginxErrorLogName))
	b.WriteString("events {\n    worker_connections 1024;\n}\n\n")
	renderHTTP(&b, c, o, p)
	renderStream(&b, c, o)
	return b.String()
}

func renderHTTP(b *strings.Builder, s Snapshot, o NginxOptions, p func(string) string) {
	b.WriteString("http {\n")
	fmt.Fprintf(b, "    access_log %s;\n", p("access.log"))
	for _, t := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		fmt.Fprintf(b, "    %s_temp_path %s;\n", t, p(t+"_temp"))
	}
	b.WriteString("    client_max_body_size 10g;\n")
	b.WriteString("    server_names_hash_bucket_size 512;\n    server_names_hash_max_size 8192;\n")
	b.WriteString("    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        '' close;\n    }\n\n")
	b.WriteString("    # Unknown host names get 404.\n    server {\n")
	fmt.Fprintf(b, "        listen %s default_server;\n", o.HTTPListen)
	if o.TLSListen != "" {
		fmt.Fprintf(b, "        listen %s ssl default_server;\n        ssl_reject_handshake on;\n", o.TLSListen)
	}
	b.WriteString("        server_name _;\n        return 404;\n    }\n")
	if o.TLSListen != "" {
		for _, d := range s.ExternalDomains {
			if d.CertPath == "" {
				continue
			}
			// With the domain's certificate, so that a client gets a
			// handshake and the 404 rather than the default's rejection.
			fmt.Fprintf(b, "\n    # Unknown host names under %s get 404 over TLS too.\n    server {\n", d.Name)
			fmt.Fprintf(b, "        listen %s ssl;\n", o.TLSListen)
			fmt.Fprintf(b, "        ssl_certificate %s;\n        ssl_certificate_key %s;\n", d.CertPath, d.KeyPath)
			fmt.Fprintf(b, "        server_name *.%s;\n        return 404;\n    }\n", d.Name)
		}
	}
	for _, ct := range s.Containers {
		for _, svc := range ct.Services {
			if svc.Kind == KindHTTP {
				renderHTTPServer(b, s, o, ct, svc)
			}
		}
	}
	b.WriteString("}\n\n")
}

func renderHTTPServer(b *strings.Builder, s Snapshot, o NginxOptions, ct Container, svc Service) {
	fmt.Fprintf(b, "\n    # %s -> container %s\n    server {\n", svc.Host, ct.Hostname)
	fmt.Fprintf(b, "        listen %s;\n", o.HTTPListen)
	if d, _ := s.domainOf(svc.Host); o.TLSListen != "" && d.CertPath != "" {
		fmt.Fprintf(b, "        listen %s ssl;\n", o.TLSListen)
		fmt.Fprintf(b, "        ssl_certificate %s;\n        ssl_certificate_key %s;\n", d.CertPath, d.KeyPath)
	}
	fmt.Fprintf(b, "        server_name %s;\n", svc.Host)
	b.WriteString("        location / {\n")
	fmt.Fprintf(b, "            proxy_pass %s://%s:%d;\n", svc.Scheme, ct.IPv4, svc.Port)
	b.WriteString(`            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            proxy_buffering off;
            proxy_request_buffering off;
            proxy_read_timeout 1h;
        }
    }
`)
}

func renderStream(b *strings.Builder, s Snapshot, o NginxOptions) {
	b.WriteString("stream {\n")
	listen := o.StreamAddress
	if strings.Contains(listen, ":") {
		listen = "[" + listen + "]"
	}
	for _, ct := range s.Containers {
		for _, svc := range ct.Services {
			if svc.Kind != KindTCP && svc.Kind != KindUDP {
				continue
			}
			udp := ""
			if svc.Kind == KindUDP {
				udp = " udp"
			}
			fmt.Fprintf(b, "    # %s/%d -> container %s port %d\n    server {\n", svc.Kind, svc.ExternalPort, ct.Hostname, svc.Port)
			fmt.Fprintf(b, "        listen %s:%d%s;\n", listen, svc.ExternalPort, udp)
			fmt.Fprintf(b, "        proxy_pass %s:%d;\n    }\n", ct.IPv4, svc.Port)
		}
	}
	b.WriteString("}\n")
}
