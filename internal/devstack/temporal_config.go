package devstack

import (
	"time"

	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
)

// serverConfig is the static configuration of a single-process Temporal
// cluster on SQLite: frontend on opts.IP:opts.Port, history, matching and
// the system worker on free loopback ports, the frontend's HTTP API on a free
// port, ringpop on loopback, no metrics listener, no pprof, no archival.
func serverConfig(opts TemporalOptions) (*config.Config, error) {
	// Three gRPC ports for history, matching and worker, four membership
	// ports, one per service, and the frontend's HTTP API.
	ports, err := freePorts(8)
	if err != nil {
		return nil, err
	}
	frontend := hostPort(clientHost(opts.IP), opts.Port)
	service := func(grpcPort, membershipPort int) config.Service {
		return config.Service{RPC: config.RPC{
			GRPCPort:        grpcPort,
			MembershipPort:  membershipPort,
			BindOnLocalHost: true,
		}}
	}
	front := service(opts.Port, ports[3])
	front.RPC.BindOnLocalHost = false
	front.RPC.BindOnIP = opts.IP
	front.RPC.HTTPPort = ports[7]

	return &config.Config{
		Global: config.Global{
			Membership: config.Membership{
				MaxJoinDuration:  30 * time.Second,
				BroadcastAddress: "127.0.0.1",
			},
		},
		Persistence: config.Persistence{
			DefaultStore:     sqliteplugin.PluginName,
			VisibilityStore:  sqliteplugin.PluginName,
			NumHistoryShards: 1,
			DataStores: map[string]config.DataStore{
				sqliteplugin.PluginName: {SQL: sqliteConfig(opts.DatabaseFile)},
			},
		},
		ClusterMetadata: &cluster.Config{
			EnableGlobalNamespace:    false,
			FailoverVersionIncrement: 10,
			MasterClusterName:        clusterName,
			CurrentClusterName:       clusterName,
			ClusterInformation: map[string]cluster.ClusterInformation{
				clusterName: {
					Enabled:                true,
					InitialFailoverVersion: 1,
					RPCAddress:             frontend,
				},
			},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services: map[string]config.Service{
			"frontend": front,
			"history":  service(ports[0], ports[4]),
			"matching": service(ports[1], ports[5]),
			"worker":   service(ports[2], ports[6]),
		},
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{
			Archival: config.ArchivalNamespaceDefaults{
				History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
				Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
			},
		},
		// The system worker dials the frontend through this address.
		PublicClient: config.PublicClient{HostPort: frontend},
	}, nil
}
