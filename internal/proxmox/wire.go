package proxmox

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// num decodes a JSON number that Proxmox may also send as a string or as
// a float with an integral value.
type num float64

// UnmarshalJSON accepts 12, 12.0, "12" and null.
func (n *num) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(bytes.TrimSpace(b), `"`)
	if len(b) == 0 || string(b) == "null" {
		*n = 0
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*n = num(f)
	return nil
}

func (n num) int() int       { return int(n) }
func (n num) int64() int64   { return int64(n) }
func (n num) uint64() uint64 { return uint64(max(n, 0)) }
func (n num) bool() bool     { return n != 0 }

// splitTags splits Proxmox's tag list ("a;b", also accepting , and space).
func splitTags(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == ' ' })
}

// configValue renders one decoded config value as the text of the .conf file.
func configValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "1"
		}
		return "0"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
