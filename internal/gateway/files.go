package gateway

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// writeAtomic replaces path with data: a reader sees the old file or the
// new one, never a partial write. The temporary file lives in the same
// directory so the rename stays on one file system.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	ok = true
	return nil
}

// saved is a file's content before an apply; absent files are removed
// again on restore.
type saved struct {
	path    string
	data    []byte
	existed bool
}

// saveFiles reads the current content of paths.
func saveFiles(paths []string) ([]saved, error) {
	out := make([]saved, 0, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			out = append(out, saved{path: p})
		case err != nil:
			return nil, fmt.Errorf("read previous %s: %w", p, err)
		default:
			out = append(out, saved{path: p, data: data, existed: true})
		}
	}
	return out, nil
}

// restoreFiles puts every saved file back as it was, atomically each.
func restoreFiles(files []saved) error {
	var errs []error
	for _, f := range files {
		if !f.existed {
			if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
			continue
		}
		errs = append(errs, writeAtomic(f.path, f.data))
	}
	return errors.Join(errs...)
}
