package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"

	"go.temporal.io/sdk/worker"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/mail"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/workflows"
)

// Workers is a set of running Temporal workers, one per task queue, and
// the audit relay when they include core.
type Workers struct {
	workers   []worker.Worker
	stopRelay func()
}

// StartWorkers starts one worker per queue, registering on each what that
// queue's tables list (activities/queues.go, workflows/register.go; a
// gateway.<site> queue gets an applier from the LABFORGE_GATEWAY_*
// settings), and,
// when queues include pve-periodic, creates or updates the platform's
// Temporal Schedules (EnsureSchedules); when queues include core, it also
// runs the audit relay (startAuditRelay). It returns once every worker
// polls, or stops the started ones and returns the first error.
func (p *Platform) StartWorkers(queues []string) (*Workers, error) {
	if err := ValidateQueues(queues); err != nil {
		return nil, err
	}
	if p.DB == nil || p.Audit == nil {
		for _, q := range queues {
			if !activities.IsGatewayQueue(q) {
				return nil, fmt.Errorf("queue %s needs PostgreSQL and MongoDB; this worker connected to Temporal only (gateway queues)", q)
			}
		}
	}
	ws := &Workers{}
	set := p.ActivitySet(queues)
	gw, err := gatewayActivities(p.Config, p.Logger, queues)
	if err != nil {
		return nil, err
	}
	set.Gateway = gw
	host, _ := os.Hostname()
	for _, q := range queues {
		identity := fmt.Sprintf("%d@%s@%s", os.Getpid(), host, q)
		w := worker.New(p.Temporal, q, WorkerOptions(identity, p.Config.WorkerActivitySlots))
		if err := p.RegisterQueue(w, q, set, identity); err != nil {
			ws.Stop()
			return nil, err
		}
		if err := w.Start(); err != nil {
			ws.Stop()
			return nil, fmt.Errorf("starting the worker for queue %s: %w", q, err)
		}
		p.Logger.Info("worker polling", slog.String("queue", q), slog.String("identity", identity))
		ws.workers = append(ws.workers, w)
	}
	p.ensureEventLifecyclesFor(queues)
	if err := p.ensureSchedulesFor(queues); err != nil {
		ws.Stop()
		return nil, err
	}
	ws.stopRelay = p.startAuditRelay(queues)
	return ws, nil
}

// GatewayOnly reports whether every queue is a gateway.<site> queue: such
// a worker needs Temporal only (ConnectGateway).
func GatewayOnly(queues []string) bool {
	return len(queues) > 0 && !slices.ContainsFunc(queues, func(q string) bool { return !activities.IsGatewayQueue(q) })
}

// ValidateQueues checks queue names (LABFORGE_WORKER_QUEUES or --queues)
// against the task queues Labforge has.
func ValidateQueues(queues []string) error {
	if len(queues) == 0 {
		return fmt.Errorf("%s names no task queue; known queues are %s", config.VariableOf("WorkerQueues"), activities.KnownQueues())
	}
	for _, q := range queues {
		if !activities.ValidQueue(q) {
			return fmt.Errorf("%s names unknown task queue %q; known queues are %s", config.VariableOf("WorkerQueues"), q, activities.KnownQueues())
		}
	}
	return nil
}

// WorkerOptions are the options of every Labforge worker: its identity;
// how many activities it runs at once (LABFORGE_WORKER_ACTIVITY_SLOTS; on
// pve-clone that includes clones waiting for a clone slot, and the rest
// wait in Temporal's task queue for another worker); and task pollers that
// scale with the backlog (the server tells each poll whether more pollers
// would help), so that hundreds of workflows started together — an event's
// deployment — are not served by the SDK's default two pollers per queue.
func WorkerOptions(identity string, activitySlots int) worker.Options {
	return worker.Options{
		Identity:                           identity,
		MaxConcurrentActivityExecutionSize: activitySlots,
		WorkflowTaskPollerBehavior:         worker.NewPollerBehaviorAutoscaling(worker.PollerBehaviorAutoscalingOptions{}),
		ActivityTaskPollerBehavior:         worker.NewPollerBehaviorAutoscaling(worker.PollerBehaviorAutoscalingOptions{}),
	}
}

// ActivitySet builds the activity structs of a worker process polling
// queues, from the configuration: one set of Proxmox clients and one
// clone-slot wait queue per process, shared by every queue. System is
// left to RegisterQueue, which names the worker; Email (and its SMTP
// client), Guacamole and Moodle (and their clients) are built only for a
// worker that polls core.
func (p *Platform) ActivitySet(queues []string) activities.Set {
	vmIDs, _ := p.Config.VMIDs() // validated when the configuration was loaded
	slots := &activities.CloneSlots{Store: p.DB, CapPerStorage: p.Config.CloneCapPerStorage, Logger: p.Logger}
	if slices.Contains(queues, activities.QueueCore) || slices.Contains(queues, activities.QueuePVEClone) {
		slots.Waiters = p.SlotWaiters()
	}
	clients := p.nodeClients()
	set := activities.Set{
		Operations: &activities.Operations{Store: p.DB},
		Gateways:   &activities.Gateways{Sites: p.DB, Request: p.requestGatewayApply},
		Bookkeeping: &activities.Bookkeeping{VMs: p.DB, Nodes: p.DB, Containers: p.DB, Sites: p.DB, Slots: slots,
			VMIDs: vmIDs, Logger: p.Logger},
		Proxmox: &activities.Proxmox{Clients: clients, Slots: slots, TemplateStorage: p.Config.ContainerTemplateStorage,
			Logger: p.Logger},
		Inventory: &activities.Inventory{Nodes: p.DB, Templates: p.DB, VMs: p.DB, Containers: p.DB, Events: p.Audit,
			Clients: clients, Logger: p.Logger},
		Events: &activities.Events{Events: p.DB, VMs: p.DB, Templates: p.DB, Defaults: p.Config.EventDefaults()},
	}
	if slices.Contains(queues, activities.QueueCore) {
		set.Email = &activities.Email{Store: p.DB, Sender: p.mailSender(), Logger: p.Logger}
		set.Guacamole = p.guacamoleActivities()
		set.Moodle = p.moodleActivities()
		set.Timeline = &activities.EventTimeline{Log: p.Audit}
	}
	return set
}

// mailSender is the SMTP client of the LABFORGE_SMTP_* settings, or nil
// when e-mail is not configured (its e-mails are then logged as skipped).
// The settings were checked when the configuration was loaded.
func (p *Platform) mailSender() mail.Sender {
	if !p.Config.Mail().Enabled() {
		p.Logger.Info("e-mail is not configured; e-mails are logged as skipped", slog.String("setting", config.VariableOf("SMTPHost")))
		return nil
	}
	s, err := mail.NewSMTP(p.Config.Mail())
	if err != nil {
		p.Logger.Error("e-mail is off: the SMTP settings are unusable", slog.Any("error", err))
		return nil
	}
	return s
}

// RegisterQueue registers on w the workflows of queue, under the
// configured Tuning, and its activities from set, with a System that
// reports identity and checks this process's stores (none on a gateway
// worker connected with ConnectGateway).
func (p *Platform) RegisterQueue(w worker.Worker, queue string, set activities.Set, identity string) error {
	deps := map[string]activities.Pinger{}
	if p.DB != nil {
		deps["postgresql"] = p.DB
	}
	if p.Audit != nil {
		deps["mongodb"] = p.Audit
	}
	set.System = &activities.System{Identity: identity, Dependencies: deps}
	if err := workflows.Register(w, queue, WorkflowTuning(p.Config)); err != nil {
		return err
	}
	return set.Register(w, queue)
}

// WorkflowTuning is the workflows' Tuning from the configuration.
func WorkflowTuning(cfg config.Config) workflows.Tuning {
	return workflows.Tuning{StepRetryInterval: cfg.StepRetryInterval, StepMaxAttempts: cfg.StepMaxAttempts,
		HeartbeatTimeout: cfg.HeartbeatTimeout}
}

// Stop stops every worker, letting running activities finish within the
// SDK's stop timeout, and the audit relay.
func (ws *Workers) Stop() {
	for _, w := range ws.workers {
		w.Stop()
	}
	if ws.stopRelay != nil {
		ws.stopRelay()
	}
}

// SlotWaiters returns the process's one clone-slot wait queue. The first
// call starts the PostgreSQL listener that feeds it released slots; it
// runs until Close.
func (p *Platform) SlotWaiters() *activities.SlotWaiters {
	p.waitersOnce.Do(func() {
		p.waiters = activities.NewSlotWaiters(0)
		ctx, cancel := context.WithCancel(context.Background())
		p.stopListening = cancel
		p.listening.Go(func() {
			err := p.DB.Listen(ctx, store.CloneSlotChannel, p.waiters.Released, p.waiters.WakeAll)
			if err != nil {
				p.Logger.Error("clone-slot releases are not announced; waiting clones ask every few seconds instead",
					slog.Any("error", err))
			}
		})
	})
	return p.waiters
}

// nodeClients returns the process's one set of Proxmox clients, so that
// every queue of this worker shares each node's breaker and connections.
func (p *Platform) nodeClients() *activities.NodeClients {
	p.clientsOnce.Do(func() {
		p.clients = &activities.NodeClients{Nodes: p.DB, Timeout: p.Config.ProxmoxTimeout, Logger: p.Logger}
	})
	return p.clients
}
