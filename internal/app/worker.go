package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"go.temporal.io/sdk/worker"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/workflows"
)

// Workers is a set of running Temporal workers, one per task queue.
type Workers struct {
	workers []worker.Worker
}

// StartWorkers starts one worker per queue, registering on each what that
// queue serves, and, when queues include pve-periodic, creates or updates
// the platform's Temporal Schedules (EnsureSchedules). It returns once every
// worker polls, or stops the started ones and returns the first error.
func (p *Platform) StartWorkers(queues []string) (*Workers, error) {
	ws := &Workers{}
	host, _ := os.Hostname()
	for _, q := range queues {
		if !config.ValidQueue(q) {
			ws.Stop()
			return nil, fmt.Errorf("unknown task queue %q; known queues are core, pve-actions, pve-clone, pve-periodic and gateway.<site>", q)
		}
		identity := fmt.Sprintf("%d@%s@%s", os.Getpid(), host, q)
		w := worker.New(p.Temporal, q, WorkerOptions(identity, p.Config.WorkerActivitySlots))
		p.register(w, q, identity)
		if err := w.Start(); err != nil {
			ws.Stop()
			return nil, fmt.Errorf("starting the worker for queue %s: %w", q, err)
		}
		p.Logger.Info("worker polling", slog.String("queue", q), slog.String("identity", identity))
		ws.workers = append(ws.workers, w)
	}
	if err := p.ensureSchedulesFor(queues); err != nil {
		ws.Stop()
		return nil, err
	}
	return ws, nil
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

// register puts on w the workflows and activities queue q serves. Every
// queue answers diagnostics probes; workflows run on core.
func (p *Platform) register(w worker.Worker, queue, identity string) {
	w.RegisterActivity(&activities.System{Identity: identity, Dependencies: map[string]activities.Pinger{
		"postgresql": p.DB, "mongodb": p.Audit,
	}})
	if queue == config.QueueCore {
		workflows.Register(w, workflows.Tuning{StepRetryInterval: p.Config.StepRetryInterval,
			StepMaxAttempts: p.Config.StepMaxAttempts, HeartbeatTimeout: p.Config.HeartbeatTimeout})
		w.RegisterActivity(&activities.Operations{Store: p.DB})
	}
	vmIDs, _ := p.Config.VMIDs() // validated when the configuration was loaded
	vmLifecycle := &activities.Proxmox{Store: p.DB, Slots: p.DB, VMIDs: vmIDs,
		CloneCapPerStorage: p.Config.CloneCapPerStorage, Logger: p.Logger,
		Clients: p.nodeClients()}
	if queue == config.QueueCore || queue == config.QueuePVEClone {
		vmLifecycle.Waiters = p.SlotWaiters()
	}
	for _, fn := range activities.ProxmoxActivities(vmLifecycle, queue) {
		w.RegisterActivity(fn)
	}
	if queue == config.QueuePVEPeriodic {
		workflows.RegisterPeriodic(w)
		w.RegisterActivity(&activities.Inventory{Store: p.DB, Nodes: p.DB, Events: p.Audit, Logger: p.Logger,
			Clients: p.nodeClients()})
	}
}

// Stop stops every worker, letting running activities finish within the
// SDK's stop timeout.
func (ws *Workers) Stop() {
	for _, w := range ws.workers {
		w.Stop()
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
		p.clients = &activities.NodeClients{Store: p.DB, Timeout: p.Config.ProxmoxTimeout, Logger: p.Logger}
	})
	return p.clients
}
