package devstack

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/config"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/schema/sqlite"
	"google.golang.org/protobuf/types/known/durationpb"
)

// namespaceRetention is how long closed workflows stay visible: long enough
// to look at a failed operation after a weekend.
const namespaceRetention = 72 * time.Hour

// sqliteConfig is the SQL store for a Temporal database file, in WAL mode
// with normal synchronisation: a laptop's dev stack may lose the last
// transactions in a power cut, and commits are several times faster.
func sqliteConfig(path string) *config.SQL {
	return &config.SQL{
		PluginName:   sqliteplugin.PluginName,
		DatabaseName: path,
		ConnectAttributes: map[string]string{
			"mode":         "rwc",
			"journal_mode": "wal",
			"synchronous":  "normal",
		},
	}
}

// prepareDatabase makes sure path holds Temporal's schema and namespace,
// creating the file on first use. The schema goes into a temporary file that
// is renamed into place, so a crash half-way never leaves a file that looks
// initialised but is not. An existing namespace is left as it is.
func prepareDatabase(path, clusterName, namespace string, searchAttrs map[string]enumspb.IndexedValueType) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("create the directory of the Temporal database %s: %w", path, err)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if err := createSchema(path); err != nil {
			return err
		}
	} else if err != nil {
		return fmt.Errorf("open the Temporal database %s: %w", path, err)
	}
	ns, err := sqlite.NewNamespaceConfig(clusterName, namespace, false, searchAttrs)
	if err != nil {
		return fmt.Errorf("describe Temporal namespace %q: %w", namespace, err)
	}
	ns.Detail.Config.Retention = durationpb.New(namespaceRetention)
	if err := sqlite.CreateNamespaces(sqliteConfig(path), ns); err != nil {
		return fmt.Errorf("create Temporal namespace %q in %s: %w", namespace, path, err)
	}
	return nil
}

// createSchema writes a new database file with Temporal's schema at path.
func createSchema(path string) error {
	tmp := path + ".init"
	for _, f := range []string{tmp, tmp + "-journal", tmp + "-wal", tmp + "-shm"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove a leftover of an interrupted set-up: %w", err)
		}
	}
	cfg := sqliteConfig(tmp)
	// The schema goes in with a rollback journal so that the finished file
	// is complete on its own, with no -wal file beside it to move.
	delete(cfg.ConnectAttributes, "journal_mode")
	if err := sqlite.SetupSchema(cfg); err != nil {
		return fmt.Errorf("create the Temporal schema in %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("move the new Temporal database into place at %s: %w", path, err)
	}
	return nil
}
