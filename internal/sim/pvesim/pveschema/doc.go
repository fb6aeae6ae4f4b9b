// Package pveschema validates Proxmox VE API requests against the real
// Proxmox VE 9.1 API schema (the apidoc tree that pve-docs' API viewer is
// built from), so that Labforge's simulator rejects exactly what a real
// Proxmox node would reject, with Proxmox's own per-parameter messages.
//
// The schema file is never part of the repository: it is read at run time
// from $LABFORGE_PVE_SCHEMA or from shared/reference/pve-9.1-api-schema.json
// found beside the repository (see DefaultPath).
//
// Validation mirrors PVE::JSONSchema as shipped with Proxmox VE 9.1
// (pve-common 9.1.9: check_prop, check_object, check_type, check_format,
// parse_property_string; RESTHandler's parameter normalisation) and the
// format verifiers registered by pve-common, pve-access-control,
// pve-storage, qemu-server and pve-container. Formats that are not
// implemented are accepted and listed by (*Schema).UncheckedFormats, so
// tests can say what is not verified.
package pveschema
