package moodle

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// writeXML answers in Moodle's default REST format (moodlewsrestformat
// absent or "xml"): RESPONSE with SINGLE, MULTIPLE, KEY and VALUE
// elements, or an EXCEPTION element.
func writeXML(w http.ResponseWriter, out any, ex *exception) {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n")
	if ex != nil {
		fmt.Fprintf(&b, "<EXCEPTION class=\"%s\">\n<ERRORCODE>%s</ERRORCODE>\n<MESSAGE>%s</MESSAGE>\n</EXCEPTION>\n",
			escapeXML(ex.Class), escapeXML(ex.ErrorCode), escapeXML(ex.Message))
	} else {
		// Round-trip through JSON so the element names are the JSON names.
		var v any
		if raw, err := json.Marshal(out); err == nil {
			_ = json.Unmarshal(raw, &v)
		}
		b.WriteString("<RESPONSE>\n")
		if v != nil {
			xmlValue(&b, v)
		}
		b.WriteString("</RESPONSE>\n")
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(b.String()))
}

func xmlValue(b *strings.Builder, v any) {
	switch t := v.(type) {
	case map[string]any:
		b.WriteString("<SINGLE>\n")
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(b, "<KEY name=\"%s\">", escapeXML(k))
			xmlValue(b, t[k])
			b.WriteString("</KEY>\n")
		}
		b.WriteString("</SINGLE>\n")
	case []any:
		b.WriteString("<MULTIPLE>\n")
		for _, e := range t {
			xmlValue(b, e)
		}
		b.WriteString("</MULTIPLE>\n")
	case nil:
		b.WriteString("<VALUE null=\"null\"/>")
	case bool:
		if t {
			b.WriteString("<VALUE>1</VALUE>")
		} else {
			b.WriteString("<VALUE>0</VALUE>")
		}
	default:
		fmt.Fprintf(b, "<VALUE>%s</VALUE>", escapeXML(fmt.Sprint(t)))
	}
}

func escapeXML(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
