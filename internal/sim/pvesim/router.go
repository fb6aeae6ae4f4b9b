package pvesim

import (
	"strings"

	"github.com/labforge/labforge/internal/sim/pvesim/pveschema"
)

// handlerFunc serves one API method. It returns the value for the "data"
// key, or an error; an *apiError keeps its status and message, any other
// error becomes a 500 with the error's text.
type handlerFunc func(c *call) (any, error)

// route is one API method the simulator serves, keyed like the PVE schema:
// the HTTP method and the path template relative to /api2/json.
type route struct {
	method   string
	template string
	segs     []string
	handler  handlerFunc
	// noAuth marks methods Proxmox serves without credentials.
	noAuth bool
	// schema is the PVE 9.1 schema of this method, when known.
	schema *pveschema.Method
}

// nodeRouted reports whether pveproxy forwards the request to the node
// named in the path (every /nodes/{node}/... method), so an unreachable
// node answers 595/596.
func (rt *route) nodeRouted() bool {
	return len(rt.segs) >= 2 && rt.segs[0] == "nodes" && rt.segs[1] == "{node}"
}

// listResult is a handler result with Proxmox's "total" attribute.
type listResult struct {
	data  any
	total int
}

// router matches request paths against route templates.
type router struct {
	routes []*route
}

// add registers a method.
func (rr *router) add(method, template string, h handlerFunc) *route {
	rt := &route{method: method, template: template, segs: splitPath(template), handler: h}
	rr.routes = append(rr.routes, rt)
	return rt
}

// match returns the route for method and path (relative to /api2/json)
// with the values of its template parameters.
func (rr *router) match(method, path string) (*route, map[string]string) {
	segs := splitPath(path)
	for _, rt := range rr.routes {
		if rt.method != method || len(rt.segs) != len(segs) {
			continue
		}
		var params map[string]string
		ok := true
		for i, s := range rt.segs {
			if strings.HasPrefix(s, "{") {
				if params == nil {
					params = map[string]string{}
				}
				params[s[1:len(s)-1]] = segs[i]
				continue
			}
			if s != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			if params == nil {
				params = map[string]string{}
			}
			return rt, params
		}
	}
	return nil, nil
}

// splitPath splits a path into its non-empty segments, as Proxmox's router does.
func splitPath(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}

// Route is a method the simulator serves.
type Route struct {
	Method   string
	Template string
}

// Routes returns every API method the simulator serves, with templates as
// the PVE schema writes them (relative to /api2/json).
func (s *Server) Routes() []Route {
	out := make([]Route, 0, len(s.routes.routes))
	for _, rt := range s.routes.routes {
		out = append(out, Route{Method: rt.method, Template: rt.template})
	}
	return out
}

// registerRoutes lists every method served; handlers live in the files named
// after their API area.
func (s *Server) registerRoutes() {
	r := &s.routes
	r.add("POST", "/access/ticket", s.createTicket).noAuth = true
	r.add("GET", "/version", s.getVersion)

	r.add("GET", "/cluster/status", s.getClusterStatus)
	r.add("GET", "/cluster/resources", s.getClusterResources)
	r.add("GET", "/cluster/nextid", s.getNextID)
	r.add("GET", "/cluster/tasks", s.getClusterTasks)

	r.add("GET", "/nodes", s.getNodes)
	r.add("GET", "/nodes/{node}/status", s.getNodeStatus)
	r.add("GET", "/nodes/{node}/version", s.getNodeVersion)

	r.add("GET", "/nodes/{node}/tasks", s.getNodeTasks)
	r.add("GET", "/nodes/{node}/tasks/{upid}/status", s.getTaskStatus)
	r.add("GET", "/nodes/{node}/tasks/{upid}/log", s.getTaskLog)
	r.add("DELETE", "/nodes/{node}/tasks/{upid}", s.stopTask)

	r.add("GET", "/nodes/{node}/storage", s.getNodeStorages)
	r.add("GET", "/nodes/{node}/storage/{storage}/status", s.getStorageStatus)
	r.add("GET", "/nodes/{node}/storage/{storage}/content", s.getStorageContent)
	r.add("POST", "/nodes/{node}/storage/{storage}/oci-registry-pull", s.pullOCIImage)

	r.add("GET", "/pools", s.getPools)
	r.add("POST", "/pools", s.createPool)
	r.add("PUT", "/pools", s.updatePool)
	r.add("DELETE", "/pools", s.deletePool)
	r.add("GET", "/pools/{poolid}", s.getPool)
	r.add("PUT", "/pools/{poolid}", s.updatePool)
	r.add("DELETE", "/pools/{poolid}", s.deletePool)

	s.registerGuestRoutes(kindQEMU)
	s.registerGuestRoutes(kindLXC)
	r.add("POST", "/nodes/{node}/lxc", s.createContainer)
	r.add("GET", "/nodes/{node}/lxc/{vmid}/interfaces", s.getContainerInterfaces)
	r.add("PUT", "/nodes/{node}/lxc/{vmid}/config", s.putConfig(kindLXC))
	r.add("PUT", "/nodes/{node}/lxc/{vmid}/resize", s.resizeContainer)

	r.add("POST", "/nodes/{node}/qemu/{vmid}/config", s.postQemuConfig)
	r.add("PUT", "/nodes/{node}/qemu/{vmid}/config", s.putConfig(kindQEMU))
	r.add("POST", "/nodes/{node}/qemu/{vmid}/status/reset", s.powerAction(kindQEMU, "reset"))
	r.add("GET", "/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces", s.agentNetworkInterfaces)
	r.add("GET", "/nodes/{node}/qemu/{vmid}/agent/get-osinfo", s.agentOSInfo)
	r.add("POST", "/nodes/{node}/qemu/{vmid}/agent/ping", s.agentPing)
}

// registerGuestRoutes registers the methods QEMU and LXC share.
func (s *Server) registerGuestRoutes(kind string) {
	r := &s.routes
	base := "/nodes/{node}/" + kind
	r.add("GET", base, s.listGuests(kind))
	r.add("GET", base+"/{vmid}/status/current", s.guestStatus(kind))
	r.add("GET", base+"/{vmid}/config", s.getConfig(kind))
	r.add("POST", base+"/{vmid}/clone", s.cloneGuest(kind))
	r.add("DELETE", base+"/{vmid}", s.destroyGuest(kind))
	r.add("POST", base+"/{vmid}/template", s.convertToTemplate(kind))
	for _, a := range []string{"start", "stop", "shutdown", "reboot", "suspend", "resume"} {
		r.add("POST", base+"/{vmid}/status/"+a, s.powerAction(kind, a))
	}
	r.add("GET", base+"/{vmid}/snapshot", s.listSnapshots(kind))
	r.add("POST", base+"/{vmid}/snapshot", s.createSnapshot(kind))
	r.add("POST", base+"/{vmid}/snapshot/{snapname}/rollback", s.rollbackSnapshot(kind))
	r.add("DELETE", base+"/{vmid}/snapshot/{snapname}", s.deleteSnapshot(kind))
}
