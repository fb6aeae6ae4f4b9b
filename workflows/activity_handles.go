package workflows

import "github.com/labforge/labforge/activities"

// The activity structs workflows name activities by: method values on nil
// pointers (pve.CloneGuest), as the Temporal SDK allows. The worker's
// instances hold the clients; activities.QueueOf says where each runs.
var (
	bookkeeping *activities.Bookkeeping
	pve         *activities.Proxmox
	inventory   *activities.Inventory
	operations  *activities.Operations
	system      *activities.System
	gateways    *activities.Gateways
	gatewayHost *activities.Gateway
	emails      *activities.Email
	guac        *activities.Guacamole
	mdl         *activities.Moodle
	timeline    *activities.EventTimeline // RecordEventActivity, for the event lifecycle
	eventActs   *activities.Events
)
