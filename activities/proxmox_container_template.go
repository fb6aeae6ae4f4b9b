package activities

import (
	"context"
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
)

// ociFilename is the file an OCI image is pulled into: the whole
// normalised reference with its separators made '_', so that two images
// of the same name from different registries or paths never share a file.
func ociFilename(image string) string {
	return strings.NewReplacer("/", "_", ":", "_", "@", "_").Replace(image)
}

// EnsureContainerTemplate returns the CT template volume the planned
// container is created from. A CT template source is that volume. An OCI
// image is pulled into the node's template storage (TemplateStorage)
// unless the storage already holds it, and the pull task is polled to its
// end, its UPID in the heartbeats; a retried attempt resumes it. An
// invalid source is a non-retryable Invalid.
func (a *Proxmox) EnsureContainerTemplate(ctx context.Context, p ContainerPlan) (string, error) {
	src, err := domain.ParseContainerSource(p.Source)
	if err != nil {
		return "", classify(err)
	}
	if src.Kind == domain.SourceTemplate {
		return src.Volume, nil
	}
	if a.TemplateStorage == "" {
		return "", temporal.NewNonRetryableApplicationError(
			"no template storage for OCI images is configured (LABFORGE_CONTAINER_TEMPLATE_STORAGE)", ErrTypeInvalid, nil)
	}
	c, err := a.client(ctx, p.Guest.NodeID)
	if err != nil {
		return "", err
	}
	file := ociFilename(src.Image)
	volume := proxmox.OCITemplateVolume(a.TemplateStorage, src.Image, file)
	have, err := a.hasVolume(ctx, c, p.Guest.Node, volume)
	if err != nil || have {
		return volume, err
	}
	err = a.runTask(ctx, c, func() (string, error) {
		return c.PullOCIImage(ctx, p.Guest.Node, a.TemplateStorage, src.Image, file)
	}, nil)
	if err != nil {
		return "", err
	}
	if have, err = a.hasVolume(ctx, c, p.Guest.Node, volume); err == nil && !have {
		err = temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"the pull of %s ended but storage %s on %s has no %s", src.Image, a.TemplateStorage, p.Guest.Node, volume),
			string(proxmox.TaskFailed), nil)
	}
	return volume, err
}

// hasVolume reports whether the template storage on node holds volume.
func (a *Proxmox) hasVolume(ctx context.Context, c *proxmox.Client, node, volume string) (bool, error) {
	vols, err := c.StorageContent(ctx, node, a.TemplateStorage, "vztmpl")
	if err != nil {
		return false, classifyPVE(err)
	}
	for _, v := range vols {
		if v.VolID == volume {
			return true, nil
		}
	}
	return false, nil
}
