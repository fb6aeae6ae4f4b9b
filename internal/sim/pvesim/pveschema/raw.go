package pveschema

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// rawNode is one node of the apidoc tree as the schema file stores it.
type rawNode struct {
	Path     string               `json:"path"`
	Info     map[string]rawMethod `json:"info"`
	Children []rawNode            `json:"children"`
}

// rawMethod is one HTTP method of a node.
type rawMethod struct {
	Method      string     `json:"method"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Protected   perlBool   `json:"protected"`
	AllowToken  perlBool   `json:"allowtoken"`
	ProxyTo     *string    `json:"proxyto"`
	Parameters  *rawObject `json:"parameters"`
}

// rawObject is a method's parameter schema.
type rawObject struct {
	AdditionalProperties *perlBool              `json:"additionalProperties"`
	Properties           map[string]rawProperty `json:"properties"`
}

// rawProperty is the schema of one parameter or property-string key.
type rawProperty struct {
	Type          string          `json:"type"`
	Optional      perlBool        `json:"optional"`
	Description   string          `json:"description"`
	Typetext      string          `json:"typetext"`
	Format        rawFormat       `json:"format"`
	Enum          []string        `json:"enum"`
	Pattern       string          `json:"pattern"`
	Minimum       *perlNumber     `json:"minimum"`
	Maximum       *perlNumber     `json:"maximum"`
	MinLength     *perlNumber     `json:"minLength"`
	MaxLength     *perlNumber     `json:"maxLength"`
	Default       json.RawMessage `json:"default"`
	Alias         string          `json:"alias"`
	KeyAlias      string          `json:"keyAlias"`
	DefaultKey    perlBool        `json:"default_key"`
	Requires      string          `json:"requires"`
	Items         *rawProperty    `json:"items"`
	OneOf         []rawProperty   `json:"oneOf"`
	InstanceTypes []string        `json:"instance-types"`
	TypeProperty  string          `json:"type-property"`
}

// rawFormat is a "format" value: either a format name or, for property
// strings, the schema of every key.
type rawFormat struct {
	Name string
	Keys map[string]rawProperty
}

func (f *rawFormat) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		return json.Unmarshal(b, &f.Name)
	case len(b) > 0 && b[0] == '{':
		return json.Unmarshal(b, &f.Keys)
	}
	return nil
}

// perlBool is a Perl truth value as the schema encodes it: 0/1, "0"/"1",
// true/false or null.
type perlBool bool

func (p *perlBool) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(bytes.TrimSpace(b), `"`))
	*p = perlBool(s != "" && s != "0" && s != "null" && s != "false")
	return nil
}

// perlNumber keeps a number as the schema spells it (Proxmox prints limits
// verbatim in its messages) together with its value.
type perlNumber struct {
	Text  string
	Value float64
}

func (n *perlNumber) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	quoted := len(b) > 0 && b[0] == '"'
	s := string(bytes.Trim(b, `"`))
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	n.Value = v
	n.Text = s
	if !quoted && !isInteger(s) {
		n.Text = perlFloatString(v)
	}
	return nil
}

// perlStrings is a list of scalars (an enum) as Perl compares them: as
// strings, whether the schema spells them as JSON strings or numbers.
type perlStrings []string

func (l *perlStrings) UnmarshalJSON(b []byte) error {
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil || items == nil {
		return err
	}
	out := make(perlStrings, len(items))
	for i, it := range items {
		if err := json.Unmarshal(it, &out[i]); err != nil {
			out[i] = string(bytes.TrimSpace(it))
		}
	}
	*l = out
	return nil
}
