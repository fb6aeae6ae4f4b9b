package pgcluster

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// confName is the file, inside the data directory, that holds the settings
// Labforge chooses for every start (port, addresses, durability). It is
// rewritten at each start and included from postgresql.conf, which keeps
// them out of pg_ctl's shell-quoted option string.
const confName = "labforge.conf"

const includeLine = "include_if_exists = '" + confName + "'"

// settings are the server settings of one start.
type settings struct {
	port      int
	socketDir string
	fast      bool
}

func (s settings) render() []byte {
	var b bytes.Buffer
	b.WriteString("# Written by Labforge at every start; edits are lost.\n")
	fmt.Fprintf(&b, "listen_addresses = '127.0.0.1'\n")
	fmt.Fprintf(&b, "port = %d\n", s.port)
	fmt.Fprintf(&b, "unix_socket_directories = %s\n", quote(s.socketDir))
	b.WriteString("max_connections = 200\n")
	if s.fast {
		b.WriteString("# Throw-away cluster: trade durability for speed.\n")
		b.WriteString("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
	}
	return b.Bytes()
}

// quote renders s as a postgresql.conf string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// writeSettings writes labforge.conf and makes sure postgresql.conf
// includes it, so a data directory made by an earlier run or by hand works.
func writeSettings(dataDir string, s settings, o owner) error {
	conf := filepath.Join(dataDir, confName)
	if err := os.WriteFile(conf, s.render(), 0o600); err != nil {
		return err
	}
	if err := o.chownTree(conf); err != nil {
		return err
	}
	main := filepath.Join(dataDir, "postgresql.conf")
	current, err := os.ReadFile(main)
	if err != nil {
		return err
	}
	if bytes.Contains(current, []byte(includeLine)) {
		return nil
	}
	f, err := os.OpenFile(main, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, werr := fmt.Fprintf(f, "\n%s\n", includeLine)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return werr
}
