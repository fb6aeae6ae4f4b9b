package domain

import "encoding/json"

// JSONObject returns v's JSON form as a map, as operation results and
// audit records store it, so fields tagged json:"-" (secrets) never get
// there. It is nil when v is nil or its JSON form is not an object.
func JSONObject(v any) map[string]any {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}
