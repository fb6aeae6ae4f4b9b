package pvesim

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// jsonObj appends one JSON object field by field. It exists for
// cluster/resources, which is polled often over thousands of guests and
// must not pay for reflection and maps per entry.
type jsonObj struct {
	b     []byte
	first bool
}

func (o *jsonObj) begin() { o.b = append(o.b, '{'); o.first = true }
func (o *jsonObj) end()   { o.b = append(o.b, '}') }

// key starts a field; keys are the simulator's own ASCII names and are
// written without escaping.
func (o *jsonObj) key(k string) {
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	o.b = append(o.b, '"')
	o.b = append(o.b, k...)
	o.b = append(o.b, '"', ':')
}

func (o *jsonObj) str(k, v string) {
	o.key(k)
	o.b = appendJSONString(o.b, v)
}

func (o *jsonObj) int(k string, v int64) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, v, 10)
}

func (o *jsonObj) uint(k string, v uint64) {
	o.key(k)
	o.b = strconv.AppendUint(o.b, v, 10)
}

func (o *jsonObj) float(k string, v float64) {
	o.key(k)
	o.b = strconv.AppendFloat(o.b, v, 'g', -1, 64)
}

// appendJSONString appends s as a JSON string, taking the slow path only
// when s holds characters that need escaping.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
