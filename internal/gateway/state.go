package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// state is what the state file remembers of the last successful apply.
type state struct {
	Hash      string    `json:"hash"`       // Snapshot.Hash
	FilesHash string    `json:"files_hash"` // hash of the rendered files, so option changes re-apply
	AppliedAt time.Time `json:"applied_at"`
}

// loadState reads the state file; a missing file is the zero state.
func loadState(path string) (state, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return state{}, nil
	}
	if err != nil {
		return state{}, fmt.Errorf("read gateway state: %w", err)
	}
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		// A damaged state file only costs one re-apply.
		return state{}, nil
	}
	return st, nil
}

func saveState(path string, st state) error {
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode gateway state: %w", err)
	}
	return writeAtomic(path, append(data, '\n'))
}
