package domain

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/distribution/reference"
	"golang.org/x/crypto/ssh"
)

// SourceKind says where a container's root file system comes from.
type SourceKind string

// Container source kinds.
const (
	// SourceTemplate is a Proxmox CT template volume such as
	// local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst.
	SourceTemplate SourceKind = "template"
	// SourceOCI is an OCI image reference such as
	// docker.io/library/nginx:1.27, pulled into the node's template
	// storage before the container is created.
	SourceOCI SourceKind = "oci"
)

// ContainerSource is a parsed container source.
type ContainerSource struct {
	Kind SourceKind
	// Volume is the CT template volume (SourceTemplate).
	Volume string
	// Image is the normalised OCI reference with its tag or digest
	// (SourceOCI), e.g. docker.io/library/nginx:1.27.
	Image string
}

const sourceMessage = "must be a CT template volume such as local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst " +
	"or an OCI image reference with a tag or digest such as docker.io/library/nginx:1.27"

// templateVolume is a Proxmox vztmpl volume id: storage:vztmpl/file.
var templateVolume = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9._-]{0,99}:vztmpl/[A-Za-z0-9][A-Za-z0-9._+-]{0,199}\.(tar|tar\.gz|tar\.xz|tar\.zst|tgz)$`)

// ParseContainerSource tells a CT template volume from an OCI image
// reference and checks it. An OCI reference must carry a tag or a digest
// (a moving "latest" is not assumed); docker.io short names are
// normalised.
func ParseContainerSource(s string) (ContainerSource, error) {
	if templateVolume.MatchString(s) {
		return ContainerSource{Kind: SourceTemplate, Volume: s}, nil
	}
	if s == "" || len(s) > 255 || strings.Contains(s, ":vztmpl/") {
		return ContainerSource{}, Errorf(KindInvalid, "source %q: %s", s, sourceMessage)
	}
	ref, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return ContainerSource{}, Errorf(KindInvalid, "source %q: %v", s, err)
	}
	if _, tagged := ref.(reference.Tagged); !tagged {
		if _, digested := ref.(reference.Digested); !digested {
			return ContainerSource{}, Errorf(KindInvalid, "source %q: an OCI image needs a tag or digest", s)
		}
	}
	return ContainerSource{Kind: SourceOCI, Image: ref.String()}, nil
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`)

// envValue allows printable ASCII but the characters a shell, a config
// file or Proxmox's NUL-separated env list would read specially.
var envValue = regexp.MustCompile("^[^\\x00-\\x1f\\x7f;{}$\"'`\\\\]*$")

// checkEnv checks environment variable names and values.
func checkEnv(v *Validator, env map[string]string) {
	v.Check(len(env) <= 64, "env", "must hold at most 64 variables")
	for k, val := range env {
		v.Check(envName.MatchString(k), "env."+k, "the name must be letters, digits and underscores, not starting with a digit, at most 128 characters")
		v.Check(len(val) <= 1024 && envValue.MatchString(val), "env."+k,
			"the value must be at most 1024 printable characters without ; { } $ quotes, backslashes or control characters")
	}
}

// checkSSHKeys checks that each key is one authorized_keys line.
func checkSSHKeys(v *Validator, keys []string) {
	v.Check(len(keys) <= 32, "ssh_keys", "must hold at most 32 keys")
	for i, k := range keys {
		field := "ssh_keys[" + strconv.Itoa(i) + "]"
		if len(k) > 16384 || strings.ContainsAny(k, "\r\n\x00") {
			v.Check(false, field, "must be one public key line, such as ssh-ed25519 AAAA... user@host")
			continue
		}
		_, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(k))
		v.Check(err == nil && len(rest) == 0, field, "must be one public key line, such as ssh-ed25519 AAAA... user@host")
	}
}
