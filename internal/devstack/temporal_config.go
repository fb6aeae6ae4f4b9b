package devstack

import (
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
)

// loopbackIP is where the services other than the frontend listen.
const loopbackIP = "127.0.0.1"

// serverConfig is the static configuration of a single-process Temporal
// cluster on SQLite: frontend on opts.IP:opts.Port, history, matching and
// the system worker on free loopback ports, the frontend's HTTP API on a free
// port, no metrics listener, no pprof, no archival. Membership is static (see
// staticHosts), so no membership port is opened.
func serverConfig(opts TemporalOptions) (*config.Config, error) {
	// Three gRPC ports for history, matching and worker, and the frontend's
	// HTTP API.
	ports, err := freePorts(4)
	if err != nil {
		return nil, err
	}
	frontend := hostPort(clientHost(opts.IP), opts.Port)
	service := func(ip string, grpcPort int) config.Service {
		return config.Service{RPC: config.RPC{GRPCPort: grpcPort, BindOnIP: ip}}
	}
	front := service(opts.IP, opts.Port)
	front.RPC.HTTPPort = ports[3]

	return &config.Config{
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
			string(primitives.FrontendService): front,
			string(primitives.HistoryService):  service(loopbackIP, ports[0]),
			string(primitives.MatchingService): service(loopbackIP, ports[1]),
			string(primitives.WorkerService):   service(loopbackIP, ports[2]),
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

// staticHosts tells each service of cfg where the others listen. All four
// run in this process, so there is nothing to discover: with static hosts
// the server starts no ringpop and never reads or writes the
// cluster_membership table. Ringpop would seed itself from that table, which
// still lists the previous run's services for 20 seconds after they stop; a
// service that joined only those dead seeds stayed out of the cluster for
// some 40 seconds ("Not enough hosts to serve the request").
func staticHosts(cfg *config.Config) map[primitives.ServiceName]static.Hosts {
	hosts := make(map[primitives.ServiceName]static.Hosts, len(cfg.Services))
	for name, svc := range cfg.Services {
		addr := hostPort(clientHost(svc.RPC.BindOnIP), svc.RPC.GRPCPort)
		hosts[primitives.ServiceName(name)] = static.SingleLocalHost(addr)
	}
	return hosts
}
