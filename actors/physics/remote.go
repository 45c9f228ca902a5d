package physics

import (
	"errors"
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// attach sets ForceCompute: Config.Remote, watched, or a spawned child.
func (o *orchestrator) attach(ctx actor.Context) {
	if o.cfg.Remote != nil {
		o.fc, o.remote = o.cfg.Remote, true
		ctx.Watch(o.fc)
		return
	}
	o.fc = ctx.Spawn(o.cfg.ForceCompute)
}

// remoteTimed reports whether RemoteTimeout, not MaxRecoveries, bounds
// the recovery in progress.
func (o *orchestrator) remoteTimed() bool { return o.remote && o.cfg.RemoteTimeout > 0 }

// armRemoteDeadline starts RemoteTimeout for the recovery beginning now.
func (o *orchestrator) armRemoteDeadline(ctx actor.Context) {
	if !o.remoteTimed() {
		return
	}
	m, self, root := &remoteDeadline{since: o.downSince}, ctx.Self(), ctx.ActorSystem().Root
	time.AfterFunc(o.cfg.RemoteTimeout, func() { root.Send(self, m) })
}

// onRemoteTerminated: the remote ForceCompute's node stopped or became
// unreachable. The step in flight is ended Undeliverable at once, so it
// is never re-sent to the node's next process, and its outcome starts the
// recovery; otherwise a recovery starts now, unless one is already under
// way (its messages fail or time out by themselves).
func (o *orchestrator) onRemoteTerminated(ctx actor.Context) {
	o.stats.RemoteDown++
	reason := fmt.Sprintf("ForceCompute node %s terminated", o.fc.Address)
	if o.inflight && o.d.Tracker().Fail(o.stepID, errors.New(reason)) {
		return
	}
	if o.recovering && o.phase == phaseSetup {
		return
	}
	o.inflight = false
	o.recover(ctx, reason, true)
}

// rewatch watches the remote ForceCompute again once a recovery reached
// it: the node may be a new process, whose endpoint is a new one.
func (o *orchestrator) rewatch(ctx actor.Context) {
	if o.remote {
		ctx.Watch(o.fc)
	}
}

// onRemoteDeadline gives the remote ForceCompute up for a local one when
// the recovery that began at m.since is still not done.
func (o *orchestrator) onRemoteDeadline(ctx actor.Context, m *remoteDeadline) {
	if !o.remote || o.stopping || !m.since.Equal(o.downSince) ||
		!(o.recovering || o.phase == phaseFailed) {
		return // recovered meanwhile, or an older deadline
	}
	addr := o.fc.Address
	ctx.Unwatch(o.fc)
	o.remote, o.stats.RemoteLost = false, true
	o.fc = ctx.Spawn(o.cfg.ForceCompute)
	o.inflight, o.attempts = false, 0
	o.recovering = true
	o.event(ctx, EventLocal, fmt.Sprintf("ForceCompute node %s not recovered within %v; using a local kernel", addr, o.cfg.RemoteTimeout))
	o.startSetup(ctx, true, 0)
}
