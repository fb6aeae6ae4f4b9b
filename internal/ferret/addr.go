package ferret

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
)

// checkAddr validates a listen address: it must be a loopback IP with a port
// ("" means "127.0.0.1:0"), and a fixed port must be free. FerretDB binds
// the port itself, but a bind failure inside ferretdb.New leaks its SQLite
// backend, so a port in use is caught here first.
func checkAddr(addr string) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("ferret: listen address %q is not host:port: %w", addr, err)
	}
	if host == "localhost" {
		host = "127.0.0.1"
		addr = net.JoinHostPort(host, port)
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("ferret: listen address %q is not a loopback address; embedded FerretDB has no authentication and listens on loopback only", addr)
	}
	if port == "0" {
		return addr, nil
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return "", fmt.Errorf("ferret: port %s on %s is already in use; stop the process holding it or choose another address", port, host)
		}
		return "", fmt.Errorf("ferret: cannot listen on %s: %w", addr, err)
	}
	if err := l.Close(); err != nil {
		return "", fmt.Errorf("ferret: cannot release probe listener on %s: %w", addr, err)
	}
	return addr, nil
}

// sqliteURL turns an absolute directory into the file: URI FerretDB's
// SQLite handler expects: a directory path ending in a slash.
func sqliteURL(dir string) string {
	return (&url.URL{Scheme: "file", Path: dir + "/"}).String()
}
