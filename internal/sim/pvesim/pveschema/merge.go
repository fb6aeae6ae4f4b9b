package pveschema

import "sort"

// MergeParams merges the path parameters Match returned with the request's
// query and form parameters, as pve-manager's rest_handler does. A request
// parameter that repeats a path parameter with a different value is
// rejected with Proxmox's message, keyed by the first such parameter in
// sorted order (rest_handler raises on the first it finds); the second
// result is nil otherwise.
func MergeParams(pathParams, request map[string]string) (map[string]string, map[string]string) {
	var conflicts []string
	merged := make(map[string]string, len(pathParams)+len(request))
	for k, v := range pathParams {
		merged[k] = v
	}
	for k, v := range request {
		if pv, ok := pathParams[k]; ok && pv != v {
			conflicts = append(conflicts, k)
		}
		merged[k] = v
	}
	if len(conflicts) > 0 {
		sort.Strings(conflicts)
		return nil, map[string]string{conflicts[0]: msgConflictingURIParam}
	}
	return merged, nil
}
