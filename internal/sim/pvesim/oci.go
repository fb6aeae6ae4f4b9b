package pvesim

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ociImageSize is the size of every simulated OCI image archive.
const ociImageSize = 48 << 20

var (
	ociDirPart    = regexp.MustCompile(`^.*[/\\]`)
	ociUnsafeChar = regexp.MustCompile(`[^a-zA-Z0-9_.-]`)
)

// ociFilename is the file an OCI pull writes, as oci_registry_pull names
// it with normalize_content_filename: the last path segment of the
// filename (or the reference), unsafe characters turned into '_', plus
// ".tar". "docker.io/library/alpine:3.22" becomes "alpine_3.22.tar".
func ociFilename(name string) string {
	name = strings.TrimSuffix(name, "\n")
	name = ociDirPart.ReplaceAllString(name, "")
	return ociUnsafeChar.ReplaceAllString(name, "_") + ".tar"
}

// pullOCIImage serves POST /nodes/{node}/storage/{storage}/oci-registry-pull:
// Proxmox's synchronous checks (a file-based storage that holds container
// templates, no file of that name yet) and an ociregistrypull task, named
// after the file, that after Durations.OCIPull adds the image as the
// vztmpl volume <storage>:vztmpl/<file>, an OCI archive pct create accepts.
func (s *Server) pullOCIImage(c *call) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.storageParam(c)
	if err != nil {
		return nil, err
	}
	if !st.fileBased() {
		return nil, errf("can't upload to storage type '%s', not a file based storage!", st.typ)
	}
	if !st.hasContent("vztmpl") {
		return nil, errf("storage '%s' is not configured for content-type 'vztmpl'", st.id)
	}
	file := c.str("reference")
	if c.has("filename") {
		file = c.str("filename")
	}
	file = ociFilename(file)
	name := "vztmpl/" + file
	if st.volumes[name] != nil {
		return nil, errf("refusing to override existing file '%s'", file)
	}
	reference := c.str("reference")
	spec := taskSpec{node: c.str("node"), typ: "ociregistrypull", id: file, user: c.user, nominal: s.dur.OCIPull}
	t := s.startTask(spec, func(r *taskRun) error {
		r.logf("Getting image source signatures")
		if err := r.sleep(s.dur.OCIPull); err != nil {
			return err
		}
		return r.locked(func() error {
			s.st.freeVolume(st, name) // rename(2) replaces a file pulled meanwhile
			st.volumes[name] = &volume{name: name, content: "vztmpl", format: "tar", size: ociImageSize,
				used: ociImageSize, ctime: time.Now().Unix(), oci: true}
			st.used += ociImageSize
			r.t.log = append(r.t.log, fmt.Sprintf("Copying blob for docker://%s", reference),
				"Writing manifest to image destination")
			return nil
		})
	})
	return upidResult(t), nil
}
