package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// NodeRequest registers a node. token_secret is write-only: no response,
// log or audit record ever carries it.
type NodeRequest struct {
	Name             string   `json:"name"`
	Cluster          string   `json:"cluster"`
	Endpoint         string   `json:"endpoint"`
	TokenID          string   `json:"token_id"`
	TokenSecret      string   `json:"token_secret"`
	TLSFingerprint   string   `json:"tls_fingerprint"`
	TLSCAFile        string   `json:"tls_ca_file"`
	TLSInsecure      bool     `json:"tls_insecure"`
	Storages         []string `json:"storages"`
	Bridge           string   `json:"bridge"`
	CloneConcurrency int      `json:"clone_concurrency"`
	// SiteID names the site whose network the node serves, if any.
	SiteID *string `json:"site_id"`
}

// UpdateNodeRequest changes the fields it names; an absent or empty
// token_secret keeps the stored one, a null site_id detaches the node
// from its site.
type UpdateNodeRequest struct {
	Name             *string   `json:"name"`
	Cluster          *string   `json:"cluster"`
	Endpoint         *string   `json:"endpoint"`
	TokenID          *string   `json:"token_id"`
	TokenSecret      *string   `json:"token_secret"`
	TLSFingerprint   *string   `json:"tls_fingerprint"`
	TLSCAFile        *string   `json:"tls_ca_file"`
	TLSInsecure      *bool     `json:"tls_insecure"`
	Storages         *[]string `json:"storages"`
	Bridge           *string   `json:"bridge"`
	CloneConcurrency *int      `json:"clone_concurrency"`
	SiteID           nullable  `json:"site_id"`
}

// ImportNodesRequest registers one node of a cluster (the entry node,
// named as Proxmox names it) and, through it, every other node of the
// cluster with the same connection settings.
type ImportNodesRequest = NodeRequest

// nodeFromRequest builds a node from a registration request, with the
// default clone concurrency, and validates it.
func nodeFromRequest(req *NodeRequest) (*domain.Node, error) {
	if req.CloneConcurrency == 0 {
		req.CloneConcurrency = domain.DefaultCloneConcurrency
	}
	n := &domain.Node{
		Name: req.Name, Cluster: req.Cluster, Endpoint: req.Endpoint, TokenID: req.TokenID, TokenSecret: req.TokenSecret,
		TLSFingerprint: req.TLSFingerprint, TLSCAFile: req.TLSCAFile, TLSInsecure: req.TLSInsecure,
		Storages: req.Storages, Bridge: req.Bridge, CloneConcurrency: req.CloneConcurrency,
	}
	if n.Storages == nil {
		n.Storages = []string{}
	}
	return n, validateNode(n)
}

// validateNode checks n and that its TLS verification is configured.
func validateNode(n *domain.Node) error {
	var v domain.Validator
	v.Check(n.TLSFingerprint != "" || n.TLSCAFile != "" || n.TLSInsecure, "tls_fingerprint",
		"set tls_fingerprint or tls_ca_file, or tls_insecure for a lab without verification")
	return mergeErrors(n.Validate(), v.Err())
}

func (s *Server) listNodes(c *gin.Context) {
	page, err := s.listPage(c, domain.ObjectNode)
	if err != nil {
		abortWithError(c, err)
		return
	}
	nodes, next, err := s.nodes.ListNodes(c.Request.Context(), page)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(nodes, next))
}

// nodeSite resolves the site_id of a node request: nil for none, else the
// id of an existing site or KindInvalid naming site_id.
func (s *Server) nodeSite(c *gin.Context, raw *string) (*uuid.UUID, error) {
	if raw == nil {
		return nil, nil
	}
	return s.existingSite(c, *raw)
}

func (s *Server) createNode(c *gin.Context) {
	if err := s.authorize(c, domain.TypeRef(domain.ObjectNode), domain.KeyCreate); err != nil {
		abortWithError(c, err)
		return
	}
	var req NodeRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	n, err := nodeFromRequest(&req)
	siteID, siteErr := s.nodeSite(c, req.SiteID)
	if err := mergeErrors(err, siteErr); err != nil {
		abortWithError(c, err)
		return
	}
	n.SiteID = siteID
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.nodes.CreateNode(ctx, n); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"node.create", domain.ObjectNode, n.ID.String(), nil, n}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("Location", "/api/v1/nodes/"+n.ID.String())
	c.JSON(http.StatusCreated, n)
}

func (s *Server) getNode(c *gin.Context) {
	n, err := s.loadNode(c, domain.KeyRead)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, n)
}

func (s *Server) updateNode(c *gin.Context) {
	n, err := s.loadNode(c, domain.KeyUpdate)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var req UpdateNodeRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	before := *n
	applyNodeUpdate(n, &req)
	var siteErr error
	if req.SiteID.Set {
		n.SiteID, siteErr = s.nodeSite(c, req.SiteID.Value)
	}
	check := *n
	if req.TokenSecret == nil || *req.TokenSecret == "" {
		n.TokenSecret = "" // UpdateNode keeps the stored secret
	}
	if err := mergeErrors(validateNode(&check), siteErr); err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.nodes.UpdateNode(ctx, n); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"node.update", domain.ObjectNode, n.ID.String(), &before, n}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, n)
}

func applyNodeUpdate(n *domain.Node, req *UpdateNodeRequest) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&n.Name, req.Name)
	set(&n.Cluster, req.Cluster)
	set(&n.Endpoint, req.Endpoint)
	set(&n.TokenID, req.TokenID)
	set(&n.TLSFingerprint, req.TLSFingerprint)
	set(&n.TLSCAFile, req.TLSCAFile)
	set(&n.Bridge, req.Bridge)
	if req.TokenSecret != nil && *req.TokenSecret != "" {
		n.TokenSecret = *req.TokenSecret
	}
	if req.TLSInsecure != nil {
		n.TLSInsecure = *req.TLSInsecure
	}
	if req.Storages != nil && *req.Storages != nil {
		n.Storages = *req.Storages
	}
	if req.CloneConcurrency != nil {
		n.CloneConcurrency = *req.CloneConcurrency
	}
}

func (s *Server) deleteNode(c *gin.Context) {
	n, err := s.loadNode(c, domain.KeyDelete)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.nodes.DeleteNode(ctx, n.ID); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"node.delete", domain.ObjectNode, n.ID.String(), n, nil}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// importNodes registers the entry node, then starts an ImportNodes
// workflow that discovers the rest of the cluster: the API never calls
// Proxmox on the request path, and the workflow input names the entry node
// rather than carrying its token.
func (s *Server) importNodes(c *gin.Context) {
	if err := s.authorize(c, domain.TypeRef(domain.ObjectNode), domain.KeyCreate); err != nil {
		abortWithError(c, err)
		return
	}
	var req ImportNodesRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	entry, err := s.registerEntryNode(c, &req)
	if err != nil {
		abortWithError(c, err)
		return
	}
	op := &domain.Operation{ID: uuid.New(), Kind: "node.import", TargetType: domain.ObjectNode, TargetID: entry.Cluster}
	op.WorkflowID = workflows.ImportNodesWorkflowID(op.ID)
	in := workflows.ImportNodesInput{OperationID: op.ID, EntryNodeID: entry.ID, Cluster: entry.Cluster}
	if err := s.startOperation(c, op, workflows.ImportNodesType, in); err != nil {
		abortWithError(c, err)
		return
	}
	s.recordAudit(c, "node.import", domain.ObjectOperation, op.ID.String(), nil, map[string]any{
		"cluster": entry.Cluster, "entry_node_id": entry.ID, "operation_id": op.ID,
	})
	acceptOperation(c, op)
}

// registerEntryNode creates the import's entry node, or updates it when
// (cluster, name) is already registered.
func (s *Server) registerEntryNode(c *gin.Context, req *ImportNodesRequest) (*domain.Node, error) {
	n, err := nodeFromRequest(req)
	siteID, siteErr := s.nodeSite(c, req.SiteID)
	if err := mergeErrors(err, siteErr); err != nil {
		return nil, err
	}
	n.SiteID = siteID
	ctx := c.Request.Context()
	existing, err := s.nodes.FindNodeByName(ctx, n.Cluster, n.Name)
	switch {
	case err == nil:
		n.ID = existing.ID
		if req.SiteID == nil {
			n.SiteID = existing.SiteID
		}
		err = s.audited(c, func(ctx context.Context) (auditEntry, error) {
			return auditEntry{"node.update", domain.ObjectNode, n.ID.String(), existing, n}, s.nodes.UpdateNode(ctx, n)
		})
	case domain.IsKind(err, domain.KindNotFound):
		err = s.audited(c, func(ctx context.Context) (auditEntry, error) {
			if err := s.nodes.CreateNode(ctx, n); err != nil {
				return auditEntry{}, err
			}
			return auditEntry{"node.create", domain.ObjectNode, n.ID.String(), nil, n}, nil
		})
	}
	if err != nil {
		return nil, err
	}
	return n, nil
}

// loadNode finds the :id node after checking the caller may do need to it.
func (s *Server) loadNode(c *gin.Context, need domain.Key) (*domain.Node, error) {
	return loadObject(s, c, domain.ObjectNode, need, s.nodes.FindNode)
}
