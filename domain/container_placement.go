package domain

import "github.com/google/uuid"

// ContainerPlacementRequest is everything PlaceContainer decides on.
type ContainerPlacementRequest struct {
	Container Container
	// Nodes are every registered node of the container's site, with
	// their load.
	Nodes []NodeLoad
}

// ContainerPlacement is the node a container is created on.
type ContainerPlacement struct {
	Container Container
	Node      Node
}

// PlaceContainer decides the node a container is created on. A container
// that already has a node keeps it. Otherwise it goes to the online node
// of its site with the most free memory that fits the container's memory,
// the lowest node name winning a tie, so that the same loads always give
// the same node.
//
// No room is an error of KindUnavailable wrapping ErrNoCapacity; a node
// of the container missing from req.Nodes is KindNotFound.
func PlaceContainer(req ContainerPlacementRequest) (ContainerPlacement, error) {
	c := req.Container
	if c.NodeID != nil {
		cur, ok := nodeIn(req.Nodes, *c.NodeID)
		if !ok {
			return ContainerPlacement{}, NotFoundf("node %s of container %s is not registered in its site", *c.NodeID, c.Hostname)
		}
		return ContainerPlacement{Container: c, Node: cur.Node}, nil
	}
	best, ok := roomiest(req.Nodes, uuid.Nil, int64(c.MemoryMB)<<20)
	if !ok {
		return ContainerPlacement{}, noCapacity("no online node of the site has %d MiB free for container %s", c.MemoryMB, c.Hostname)
	}
	return ContainerPlacement{Container: c, Node: best}, nil
}
