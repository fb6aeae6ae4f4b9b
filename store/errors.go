package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/labforge/labforge/domain"
)

// This file is the one place where PostgreSQL errors become domain errors.
// Messages are built from the violated constraint's name and, when the
// server reports it in English, the offending key from the error detail.

// message describes one constraint's violation. format receives the key's
// values in column order; general is used when they are not available.
type message struct {
	format  string
	general string
}

// taken: unique violations (KindConflict).
var taken = map[string]message{
	"users_username_key":                  {"username %q is already taken", "the username is already taken"},
	"users_email_key":                     {"e-mail address %q is already in use", "the e-mail address is already in use"},
	"user_roles_pkey":                     {"user %s already holds role %q", "the user already holds the role"},
	"roles_pkey":                          {"role %q already exists", "the role already exists"},
	"permissions_grant_key":               {"", "the permission is already granted"},
	"groups_name_key":                     {"group name %q is already taken", "the group name is already taken"},
	"group_members_pkey":                  {"user %[2]s is already a member of group %[1]s", "the user is already a member of the group"},
	"sites_name_key":                      {"site name %q is already taken", "the site name is already taken"},
	"external_domains_name_key":           {"external domain name %q is already taken", "the external domain name is already taken"},
	"nodes_cluster_name_key":              {"node %[2]q already exists in cluster %[1]q", "the node already exists in its cluster"},
	"vm_templates_cluster_vmid_key":       {"VMID %[2]s in cluster %[1]q is already a known template", "the template's VMID is already known"},
	"environment_machines_name_key":       {"machine name %[2]q is used twice in environment %[1]s", "a machine name is used twice in the environment"},
	"event_participants_pkey":             {"user %[2]s already takes part in event %[1]s", "the user already takes part in the event"},
	"events_short_name_live_key":          {"short name %q is already used by an event that is not decommissioned", "the short name is already used by an event that is not decommissioned"},
	"event_groups_pkey":                   {"group %[2]s already takes part in event %[1]s", "the group already takes part in the event"},
	"event_items_pkey":                    {"", "the event item already exists"},
	"event_connections_pkey":              {"", "the event connection already exists"},
	"clone_times_pkey":                    {"", "the clone time is already recorded"},
	"environment_connections_pkey":        {"", "a connection template is stored twice"},
	"vmid_allocations_pkey":               {"VMID %[2]s is already allocated in cluster %[1]q", "the VMID is already allocated"},
	"vmid_allocations_vmid_owner_key":     {"VMID %[2]s is already allocated in cluster %[1]q", "the VMID is already allocated"},
	"vmid_allocations_owner_key":          {"%[2]s already holds a VMID in cluster %[1]q", "the owner already holds a VMID in the cluster"},
	"containers_site_hostname_key":        {"hostname %[2]q is already taken in site %[1]s", "the hostname is already taken in the site"},
	"ip_allocations_pkey":                 {"IP %[2]s is already allocated in site %[1]s", "the IP address is already allocated"},
	"ip_allocations_mac_key":              {"MAC %s is already in use", "the MAC address is already in use"},
	"ip_allocations_container_key":        {"container %s already holds an IP address", "the container already holds an IP address"},
	"services_external_port_key":          {"%[2]s port %[3]s is already in use in site %[1]s", "the external port is already in use in the site"},
	"services_external_hostname_key":      {"host name %[2]q is already used by another service in site %[1]s", "the host name is already used by another service"},
	"operations_workflow_unfinished_key":  {"an operation of workflow %q is already in progress", "an operation of the workflow is already in progress"},
	"operations_vm_unfinished_key":        {"an operation on VM %s is already in progress", "an operation on the VM is already in progress"},
	"operations_container_unfinished_key": {"an operation on container %s is already in progress", "an operation on the container is already in progress"},
	"api_keys_prefix_key":                 {"API key prefix %q is already taken", "the API key prefix is already taken"},
	"user_identities_pkey":                {"the %s identity %q already signs in as a user", "the identity already signs in as a user"},
	"sessions_pkey":                       {"session %x already exists", "the session already exists"},
	"operation_steps_pkey":                {"step %[2]s of operation %[1]s is already recorded", "the operation step is already recorded"},
}

// takenField names the request field a unique violation is about, for
// the constraints whose clash the caller fixes by changing one field.
var takenField = map[string]string{
	"sites_name_key":               "name",
	"external_domains_name_key":    "name",
	"containers_site_hostname_key": "hostname",
	"events_short_name_live_key":   "short_name",
}

// missing: foreign keys violated by an insert or update (KindInvalid).
var missing = map[string]message{
	"user_roles_role_fkey":                     {"role %q does not exist", "a role does not exist"},
	"user_roles_user_id_fkey":                  {"user %s does not exist", "the user does not exist"},
	"permissions_user_id_fkey":                 {"user %s does not exist", "the user does not exist"},
	"permissions_role_fkey":                    {"role %q does not exist", "the role does not exist"},
	"permissions_group_id_fkey":                {"group %s does not exist", "the group does not exist"},
	"group_members_group_id_fkey":              {"group %s does not exist", "the group does not exist"},
	"group_members_user_id_fkey":               {"user %s does not exist", "a member does not exist"},
	"user_identities_user_id_fkey":             {"user %s does not exist", "the user does not exist"},
	"vm_templates_node_fkey":                   {"node %s does not exist in cluster %q", "the node does not exist in the template's cluster"},
	"environments_owner_id_fkey":               {"owner %s does not exist", "the owner does not exist"},
	"environment_machines_environment_id_fkey": {"environment %s does not exist", "the environment does not exist"},
	"environment_machines_template_id_fkey":    {"template %s does not exist", "a template does not exist"},
	"events_environment_id_fkey":               {"environment %s does not exist", "the environment does not exist"},
	"events_owner_id_fkey":                     {"owner %s does not exist", "the owner does not exist"},
	"event_participants_event_id_fkey":         {"event %s does not exist", "the event does not exist"},
	"event_participants_user_id_fkey":          {"user %s does not exist", "the user does not exist"},
	"environment_connections_machine_fkey":     {"machine %[2]s of environment %[1]s does not exist", "the machine does not exist"},
	"event_groups_event_id_fkey":               {"event %s does not exist", "the event does not exist"},
	"event_groups_group_id_fkey":               {"group %s does not exist", "the group does not exist"},
	"event_items_event_id_fkey":                {"event %s does not exist", "the event does not exist"},
	"operation_steps_operation_id_fkey":        {"operation %s does not exist", "the operation does not exist"},
	"event_items_user_id_fkey":                 {"user %s does not exist", "the user does not exist"},
	"event_items_vm_id_fkey":                   {"VM %s does not exist", "the VM does not exist"},
	"event_connections_event_id_fkey":          {"event %s does not exist", "the event does not exist"},
	"event_connections_user_id_fkey":           {"user %s does not exist", "the user does not exist"},
	"event_connections_vm_id_fkey":             {"VM %s does not exist", "the VM does not exist"},
	"vms_owner_id_fkey":                        {"owner %s does not exist", "the owner does not exist"},
	"vms_event_id_fkey":                        {"event %s does not exist", "the event does not exist"},
	"vms_template_id_fkey":                     {"template %s does not exist", "the template does not exist"},
	"vms_node_id_fkey":                         {"node %s does not exist", "the node does not exist"},
	"vms_vmid_fkey":                            {"VMID %[2]s in cluster %[1]q is not allocated to VM %[3]s", "the VMID is not allocated to the VM"},
	"containers_owner_id_fkey":                 {"owner %s does not exist", "the owner does not exist"},
	"containers_site_id_fkey":                  {"site %s does not exist", "the site does not exist"},
	"external_domains_site_id_fkey":            {"site %s does not exist", "the site does not exist"},
	"nodes_site_id_fkey":                       {"site %s does not exist", "the site does not exist"},
	"containers_node_id_fkey":                  {"node %s does not exist", "the node does not exist"},
	"containers_vmid_fkey":                     {"VMID %[2]s in cluster %[1]q is not allocated to container %[3]s", "the VMID is not allocated to the container"},
	"ip_allocations_container_fkey":            {"container %[2]s does not exist in site %[1]s", "the container does not exist in the site"},
	"services_container_fkey":                  {"container %[2]s does not exist in site %[1]s", "the container does not exist in the site"},
	"email_templates_updated_by_fkey":          {"user %s does not exist", "the user does not exist"},
	"api_keys_user_id_fkey":                    {"user %s does not exist", "the user does not exist"},
	"idempotency_keys_user_id_fkey":            {"user %s does not exist", "the user does not exist"},
	"invitations_invited_by_fkey":              {"user %s does not exist", "the inviting user does not exist"},
	"invitations_user_id_fkey":                 {"user %s does not exist", "the user does not exist"},
	"password_resets_user_id_fkey":             {"user %s does not exist", "the user does not exist"},
	"sessions_user_id_fkey":                    {"user %s does not exist", "the user does not exist"},
}

// referenced: foreign keys that block a delete (KindConflict), named by
// the referencing constraint.
var referenced = map[string]message{
	"environments_owner_id_fkey":            {"user %s still owns environments", "the user still owns environments"},
	"events_owner_id_fkey":                  {"user %s still owns events", "the user still owns events"},
	"vms_owner_id_fkey":                     {"user %s still owns VMs", "the user still owns VMs"},
	"containers_owner_id_fkey":              {"user %s still owns containers", "the user still owns containers"},
	"environment_machines_template_id_fkey": {"template %s is still used by an environment", "the template is still used by an environment"},
	"vms_template_id_fkey":                  {"template %s is still used by VMs", "the template is still used by VMs"},
	"events_environment_id_fkey":            {"environment %s still has events", "the environment still has events"},
	"vms_event_id_fkey":                     {"event %s still has VMs", "the event still has VMs"},
	"event_groups_group_id_fkey":            {"group %s still takes part in events", "the group still takes part in events"},
	"event_items_user_id_fkey":              {"user %s still has VMs in events", "the user still has VMs in events"},
	"event_connections_user_id_fkey":        {"user %s still has connections in events", "the user still has connections in events"},
	"vms_node_id_fkey":                      {"node %s still hosts VMs", "the node still hosts VMs"},
	"containers_node_id_fkey":               {"node %s still hosts containers", "the node still hosts containers"},
	"containers_site_id_fkey":               {"site %s still has containers", "the site still has containers"},
	"external_domains_site_id_fkey":         {"site %s still has external domains", "the site still has external domains"},
	"nodes_site_id_fkey":                    {"site %s still has nodes", "the site still has nodes"},
	"vms_vmid_fkey":                         {"VMID %[2]s in cluster %[1]q is still used by VM %[3]s", "the VMID is still used by a VM"},
	"containers_vmid_fkey":                  {"VMID %[2]s in cluster %[1]q is still used by container %[3]s", "the VMID is still used by a container"},
}

// invalid: check constraints (KindInvalid), as field and message.
var invalid = map[string][2]string{
	"roles_name_check":                       {"name", "must be lower-case letters, digits and inner hyphens"},
	"users_source_check":                     {"source", "must be one of local, ldap, oidc"},
	"invitations_roles_check":                {"roles", "must name at least one role"},
	"permissions_one_grantee":                {"grantee", "must name exactly one of a user, a role or a group"},
	"sites_addresses_check":                  {"cidr", "must be an IPv4 network holding the gateway and the DHCP range, with dhcp_start not above dhcp_end"},
	"sites_external_ip_check":                {"external_ip", "must be a single IPv4 address"},
	"sites_external_ports_check":             {"external_port_first", "must be between 1024 and 65535, not above external_port_last"},
	"sites_gateway_check":                    {"gateway_ip", "must be outside the DHCP range"},
	"sites_dhcp_hosts_check":                 {"dhcp_start", "the DHCP range must not hold the network or broadcast address"},
	"sites_gateway_status_check":             {"gateway.status", "must be applied or failed"},
	"external_domains_name_check":            {"name", "must be a lower-case DNS name"},
	"external_domains_paths_check":           {"cert_path", "must be an absolute path without whitespace, quotes, control characters or ;{}$"},
	"nodes_clone_concurrency_check":          {"clone_concurrency", "must be between 1 and 64"},
	"nodes_status_check":                     {"status", "must be one of unknown, online, offline"},
	"nodes_token_sealed_check":               {"token_secret", "must be sealed with a named key"},
	"nodes_token_secret_check":               {"token_secret", "must be stored either plain or sealed"},
	"vm_templates_vmid_check":                {"vmid", "must be between 100 and 999999999"},
	"vm_templates_kind_check":                {"kind", "must be qemu or lxc"},
	"environments_moodle_check":              {"moodle_template_course", "must be a Moodle course id"},
	"environment_machines_count_check":       {"count", "must be between 1 and 10"},
	"environment_machines_clone_mode_check":  {"clone_mode", "must be linked or full"},
	"environment_connections_protocol_check": {"protocol", "must be one of rdp, vnc, ssh"},
	"environment_connections_port_check":     {"port", "must be between 1 and 65535, or 0 for the protocol's default"},
	"environment_connections_password_check": {"password", "must be sealed with a named key"},
	"events_short_name_check":                {"short_name", "must be 4-8 characters: lower-case letters, digits, '_' or '-'"},
	"events_lead_time_check":                 {"lead_time", "must not be negative"},
	"events_transition_check":                {"transition_period", "must not be negative"},
	"events_snapshot_check":                  {"environment_snapshot", "must be an object"},
	"event_groups_role_check":                {"role", "must be participant or instructor"},
	"event_items_state_check":                {"state", "must be one of pending, provisioning, ready, failed, removed"},
	"event_items_index_check":                {"index", "must be between 0 and 9"},
	"event_connections_state_check":          {"state", "must be one of active, revoked, deleted"},
	"event_connections_position_check":       {"template_position", "must not be negative"},
	"event_connections_guacamole_check":      {"guacamole_id", "the Guacamole identifier and user must not be empty"},
	"events_moodle_course_check":             {"moodle_course_id", "must be a positive Moodle course id"},
	"events_schedule_check":                  {"ends_at", "must be after starts_at"},
	"events_state_check":                     {"state", "must be an event state such as planned"},
	"event_participants_role_check":          {"role", "must be participant or instructor"},
	"vmid_allocations_vmid_check":            {"vmid", "must be between 100 and 999999999"},
	"vmid_allocations_owner_type_check":      {"owner_type", "must not be empty"},
	"email_log_status_check":                 {"status", "must be one of queued, sent, failed, skipped"},
	"email_log_recipient_check":              {"recipient", "must be an e-mail address"},
	"vms_state_check":                        {"state", "must be a guest state such as pending"},
	"vms_power_check":                        {"power_state", "must be one of unknown, running, stopped, paused"},
	"containers_state_check":                 {"state", "must be a guest state such as pending"},
	"containers_power_check":                 {"power_state", "must be one of unknown, running, stopped, paused"},
	"containers_swap_check":                  {"swap_mb", "must be between 0 and 262144"},
	"containers_env_check":                   {"env", "must be an object of names and values"},
	"services_backend_check":                 {"backend", "must be http or https for HTTP services and unset for the others"},
	"ip_allocations_ip_check":                {"ip", "must be a single IPv4 address"},
	"services_protocol_check":                {"protocol", "must be one of http, tcp, udp"},
	"services_internal_port_check":           {"internal_port", "must be between 1 and 65535"},
	"services_external_port_check":           {"external_port", "must be between 1 and 65535"},
	"services_http_hostname_check":           {"external_hostname", "must be set for HTTP services"},
	"operations_state_check":                 {"state", "must be an operation state such as running"},
	"operation_steps_state_check":            {"state", "must be a step state such as running or succeeded"},
	"operation_steps_attempts_check":         {"attempts", "must be at least 1"},
}

// keyDetail reads the key out of an (English) constraint violation detail,
// such as: Key (site_id, ip)=(..., 10.0.0.5) already exists.
var keyDetail = regexp.MustCompile(`^Key \((.+)\)=\((.*)\) (?:already exists|is not present|is still referenced)`)

// mapErr turns an error from pgx into a domain error. subject names the
// object a missing row would have been ("user 1b2c..."), for KindNotFound.
// Context cancellation passes through unchanged.
func mapErr(err error, subject string) error { return translate(err, subject, false) }

// mapDeleteErr is mapErr for statements that delete rows, where a foreign
// key violation means the row is still referenced.
func mapDeleteErr(err error, subject string) error { return translate(err, subject, true) }

func translate(err error, subject string, deleting bool) error {
	var de *domain.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &de), errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, pgx.ErrNoRows):
		return domain.Wrap(err, domain.KindNotFound, subject+" not found")
	case errors.Is(err, context.DeadlineExceeded):
		return domain.Wrap(err, domain.KindUnavailable, "PostgreSQL did not answer in time")
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		var netErr net.Error
		if errors.As(err, &netErr) || pgconn.SafeToRetry(err) {
			return domain.Wrap(err, domain.KindUnavailable, "PostgreSQL is unavailable")
		}
		return domain.Wrap(err, domain.KindInternal, "database error")
	}
	name := pgErr.ConstraintName
	switch {
	case pgErr.Code == "23505":
		return withTakenField(fromTable(err, pgErr, taken, domain.KindConflict, "the object already exists"), name)
	case pgErr.Code == "23503" && deleting:
		return fromTable(err, pgErr, referenced, domain.KindConflict, "the object is still in use")
	case pgErr.Code == "23503":
		return fromTable(err, pgErr, missing, domain.KindInvalid, "a referenced object does not exist")
	case pgErr.Code == "23514":
		if fm, ok := invalid[name]; ok {
			return &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields", Fields: map[string]string{fm[0]: fm[1]}, Err: err}
		}
		return domain.Wrap(err, domain.KindInvalid, "a value breaks the rule "+name)
	case pgErr.Code == "23502":
		return &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields", Fields: map[string]string{pgErr.ColumnName: "must be set"}, Err: err}
	case pgErr.Code == "23P01":
		return domain.Wrap(err, domain.KindConflict, "the object conflicts with another one")
	case strings.HasPrefix(pgErr.Code, "22"):
		return domain.Wrap(err, domain.KindInvalid, "a value is not valid: "+pgErr.Message)
	case pgErr.Code == "40001", pgErr.Code == "40P01", pgErr.Code == "55P03", pgErr.Code == "57014",
		strings.HasPrefix(pgErr.Code, "08"), strings.HasPrefix(pgErr.Code, "53"), strings.HasPrefix(pgErr.Code, "57P"):
		return domain.Wrap(err, domain.KindUnavailable, "PostgreSQL is busy or unavailable; try again")
	}
	return domain.Wrap(err, domain.KindInternal, "database error")
}

// withTakenField adds the field a taken constraint is about to err.
func withTakenField(err error, constraint string) error {
	var de *domain.Error
	if f, ok := takenField[constraint]; ok && errors.As(err, &de) {
		de.Fields = map[string]string{f: "is already taken"}
	}
	return err
}

// fromTable builds the message for a violated constraint from table.
func fromTable(err error, pgErr *pgconn.PgError, table map[string]message, kind domain.Kind, fallback string) error {
	m, ok := table[pgErr.ConstraintName]
	if !ok {
		return domain.Wrap(err, kind, fallback)
	}
	vals := keyValues(pgErr.Detail)
	if m.format == "" || len(vals) == 0 || strings.Count(m.format, "%") != len(vals) {
		return domain.Wrap(err, kind, m.general)
	}
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	return domain.Wrap(err, kind, fmt.Sprintf(m.format, args...))
}

// keyValues returns the key values of a violation detail in column order,
// or nil when the detail cannot be read unambiguously.
func keyValues(detail string) []string {
	m := keyDetail.FindStringSubmatch(detail)
	if m == nil {
		return nil
	}
	cols := strings.Split(m[1], ", ")
	if len(cols) == 1 {
		return []string{m[2]}
	}
	vals := strings.Split(m[2], ", ")
	if len(vals) != len(cols) {
		return nil
	}
	return vals
}
