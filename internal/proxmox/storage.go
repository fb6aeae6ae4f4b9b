package proxmox

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// StorageVolume is one volume of a storage as its content listing shows it.
type StorageVolume struct {
	VolID   string // storage:volname, e.g. local:vztmpl/alpine_3.22.tar
	Content string // images, rootdir, vztmpl, iso, backup, ...
	Format  string // raw, qcow2, tzst, tar, ...
	Size    uint64
	VMID    int // the owning guest; 0 for none
	Created time.Time
}

// StorageContent lists the volumes of storage on node, only those of the
// given content type (such as "vztmpl") when content is not empty.
func (c *Client) StorageContent(ctx context.Context, node, storage, content string) ([]StorageVolume, error) {
	const op = "StorageContent"
	path, err := storagePath(op, node, storage, "/content")
	if err != nil {
		return nil, err
	}
	if content != "" {
		if !contentPattern.MatchString(content) {
			return nil, invalidf(node, op, "invalid content type %q", content)
		}
		path += "?" + url.Values{"content": {content}}.Encode()
	}
	var ws []struct {
		VolID   string `json:"volid"`
		Content string `json:"content"`
		Format  string `json:"format"`
		Size    uint64 `json:"size"`
		VMID    int    `json:"vmid"`
		CTime   int64  `json:"ctime"`
	}
	if err := c.get(ctx, op, node, path, &ws); err != nil {
		return nil, err
	}
	out := make([]StorageVolume, len(ws))
	for i, w := range ws {
		out[i] = StorageVolume{VolID: w.VolID, Content: w.Content, Format: w.Format, Size: w.Size, VMID: w.VMID}
		if w.CTime > 0 {
			out[i].Created = time.Unix(w.CTime, 0)
		}
	}
	return out, nil
}

// PullOCIImage has node pull an OCI image (reference such as
// docker.io/library/alpine:3.22) from its registry into storage, which
// must be a file-based storage holding container templates, and returns
// the ociregistrypull task's UPID. Once the task ends OK the image is the
// container template OCITemplateVolume(storage, reference, filename);
// filename, when not empty, names the file instead of the reference.
// Pulling onto an existing file fails at once.
func (c *Client) PullOCIImage(ctx context.Context, node, storage, reference, filename string) (string, error) {
	const op = "PullOCIImage"
	path, err := storagePath(op, node, storage, "/oci-registry-pull")
	if err != nil {
		return "", err
	}
	if reference == "" || !printableASCII(reference) {
		return "", invalidf(node, op, "invalid OCI reference %q", reference)
	}
	body := map[string]any{"reference": reference}
	setIf(body, "filename", filename)
	return c.startTask(ctx, op, node, path, body)
}

var unsafeFileChar = regexp.MustCompile(`[^a-zA-Z0-9_.-]`)

// OCITemplateVolume is the volume ID an OCI pull into storage creates,
// named as Proxmox names it: the last path segment of filename (or of the
// reference when filename is empty) with characters other than letters,
// digits, '_', '.' and '-' replaced by '_', plus ".tar".
// OCITemplateVolume("local", "docker.io/library/alpine:3.22", "") is
// "local:vztmpl/alpine_3.22.tar".
func OCITemplateVolume(storage, reference, filename string) string {
	name := reference
	if filename != "" {
		name = filename
	}
	name = strings.TrimSuffix(name, "\n")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return storage + ":vztmpl/" + unsafeFileChar.ReplaceAllString(name, "_") + ".tar"
}

var contentPattern = regexp.MustCompile(`^[a-z]+$`)

// storagePath builds /nodes/<node>/storage/<storage><rest> after
// validating both.
func storagePath(op, node, storage, rest string) (string, error) {
	if !storageIDPattern.MatchString(storage) {
		return "", invalidf(node, op, "invalid storage %q", storage)
	}
	return nodePath(op, node, "/storage/"+storage+rest)
}
