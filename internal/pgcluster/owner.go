package pgcluster

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// serverUser is the account initdb and postgres run as when this process is
// root: PostgreSQL refuses to run as root.
const serverUser = "postgres"

// owner is the account the server runs as. A nil credential means "this
// process's own account".
type owner struct {
	cred *syscall.Credential
}

// serverOwner returns the account to run the server as: this process's own,
// or the postgres system user when running as root.
func serverOwner() (owner, error) {
	if os.Geteuid() != 0 {
		return owner{}, nil
	}
	u, err := user.Lookup(serverUser)
	if err != nil {
		return owner{}, fmt.Errorf("PostgreSQL refuses to run as root and there is no %q user to run it as: "+
			"create one (useradd --system %s) or run as an unprivileged user", serverUser, serverUser)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return owner{}, fmt.Errorf("user %s has a non-numeric uid %q", serverUser, u.Uid)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return owner{}, fmt.Errorf("user %s has a non-numeric gid %q", serverUser, u.Gid)
	}
	return owner{cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}}, nil
}

// sysProcAttr returns the process attributes that run a child as the owner.
func (o owner) sysProcAttr() *syscall.SysProcAttr {
	if o.cred == nil {
		return &syscall.SysProcAttr{}
	}
	return &syscall.SysProcAttr{Credential: o.cred}
}

// chownTree gives path and everything below it to the owner. Entries that
// vanish during the walk are skipped: a server that is still shutting down
// removes its postmaster.pid and temporary files.
func (o owner) chownTree(path string) error {
	if o.cred == nil {
		return nil
	}
	uid, gid := int(o.cred.Uid), int(o.cred.Gid)
	return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return ignoreVanished(err)
		}
		info, err := d.Info()
		if err != nil {
			return ignoreVanished(err)
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) == uid && int(st.Gid) == gid {
			return nil
		}
		return ignoreVanished(os.Lchown(p, uid, gid))
	})
}

func ignoreVanished(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// makeReachable lets the owner traverse every ancestor of path, adding only
// the search (x) bit for others where it lacks access, and logs each change.
// Without it a root-owned 0700 temporary directory would hide the data
// directory from the server.
func (o owner) makeReachable(path string, log *slog.Logger) error {
	if o.cred == nil {
		return nil
	}
	for dir := filepath.Dir(path); ; dir = filepath.Dir(dir) {
		info, err := os.Stat(dir)
		if err != nil {
			return err
		}
		if !o.canSearch(info) {
			mode := info.Mode().Perm() | 0o001
			if err := os.Chmod(dir, mode); err != nil {
				return fmt.Errorf("let the %s user reach %s: %w", serverUser, path, err)
			}
			log.Info("made directory searchable for the PostgreSQL server user", "dir", dir, "user", serverUser)
		}
		if dir == filepath.Dir(dir) {
			return nil
		}
	}
}

func (o owner) canSearch(info fs.FileInfo) bool {
	perm := info.Mode().Perm()
	st, ok := info.Sys().(*syscall.Stat_t)
	switch {
	case perm&0o001 != 0:
		return true
	case !ok:
		return false
	case st.Uid == o.cred.Uid:
		return perm&0o100 != 0
	case st.Gid == o.cred.Gid:
		return perm&0o010 != 0
	}
	return false
}
