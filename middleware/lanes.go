package middleware

import (
	"errors"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// lanes perform re-sends off the tracker's timer goroutine: one lane per
// target, each drained by a goroutine that exists only while the lane has
// work. A send that blocks (a full blocking mailbox) holds up its own
// target only, never the tracker or other targets.
type lanes struct {
	d      *Delivery
	mu     sync.Mutex
	byKey  map[string]*lane
	closed bool
	wg     sync.WaitGroup
}

type lane struct {
	key    string
	target *actor.PID
	queue  []resendJob
}

type resendJob struct {
	p       *pending
	attempt int
}

// errLanesClosed is a re-send after Close.
var errLanesClosed = errors.New("middleware: closed")

// errMailboxFull is a re-send not made because the target's blocking
// mailbox was full; it counts as a failed attempt (a Nack).
var errMailboxFull = errors.New("middleware: target mailbox full; re-send skipped")

func (l *lanes) init(d *Delivery) { l.d, l.byKey = d, make(map[string]*lane) }

// resend queues attempt of p on its target's lane.
func (l *lanes) resend(p *pending, attempt int) error {
	key := p.target.Address + "/" + p.target.Id
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return errLanesClosed
	}
	ln, busy := l.byKey[key]
	if !busy {
		ln = &lane{key: key, target: p.target}
		l.byKey[key] = ln
		l.wg.Add(1)
		go l.drain(ln)
	}
	ln.queue = append(ln.queue, resendJob{p, attempt})
	return nil
}

// drain sends ln's queue in order and exits when it is empty or Close ran.
func (l *lanes) drain(ln *lane) {
	defer l.wg.Done()
	for {
		l.mu.Lock()
		if len(ln.queue) == 0 || l.closed {
			delete(l.byKey, ln.key)
			l.mu.Unlock()
			return
		}
		job := ln.queue[0]
		ln.queue[0] = resendJob{}
		ln.queue = ln.queue[1:]
		l.mu.Unlock()
		l.send(job)
	}
}

func (l *lanes) send(job resendJob) {
	p, d := job.p, l.d
	if mailboxFull(d.system, p.target) {
		d.tracker.Nack(p.id, errMailboxFull)
		return
	}
	env := p.envelope(job.attempt)
	if lk := d.cfg.msgLink; lk != nil {
		lk.carry(packet{ID: p.id, Attempt: job.attempt, Msg: p.msg}, func() { d.plain.Send(p.target, env) })
		return
	}
	d.plain.Send(p.target, env)
}

// close stops the lanes: queued re-sends are dropped, and close waits up
// to grace for sends in progress. It reports whether all lanes ended.
func (l *lanes) close(grace time.Duration) bool {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	done := make(chan struct{})
	go func() {
		l.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(grace):
		return false
	}
}

// idle reports whether no lane has a re-send queued or in progress.
func (l *lanes) idle() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.byKey) == 0
}
