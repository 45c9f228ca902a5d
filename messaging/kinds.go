package messaging

import (
	"sync"
	"sync/atomic"
)

// kindState is a kind's policy and metrics, shared by every shard. The
// metrics are striped, one stripe per shard, each written only under its
// shard's lock, so shards never share a counter or a cache line; Summary
// takes each shard's lock in turn and adds the stripes up.
type kindState struct {
	kind   Kind
	idx    int // dense index, for per-core tables
	policy atomic.Pointer[Policy]
	stats  []kindStats
}

// kindRegistry maps kinds to their state. Reads are lock-free (a
// copy-on-write map); a new kind takes a mutex once.
type kindRegistry struct {
	def     Policy
	stripes int
	next    int // the next kindState.idx; guarded by mu after construction
	mu      sync.Mutex
	kinds   atomic.Pointer[map[Kind]*kindState]
}

func newKindRegistry(def Policy, policies map[Kind]Policy, stripes int) *kindRegistry {
	r := &kindRegistry{def: def, stripes: max(stripes, 1)}
	m := make(map[Kind]*kindState, len(policies))
	for k, p := range policies {
		m[k] = r.newKindState(k, p)
	}
	r.kinds.Store(&m)
	return r
}

func (r *kindRegistry) newKindState(k Kind, p Policy) *kindState {
	ks := &kindState{kind: k, idx: r.next, stats: make([]kindStats, r.stripes)}
	r.next++
	ks.policy.Store(&p)
	return ks
}

// get returns k's state, creating it with the default policy if new.
func (r *kindRegistry) get(k Kind) *kindState {
	if ks, ok := (*r.kinds.Load())[k]; ok {
		return ks
	}
	return r.upsert(k, nil)
}

// upsert creates k's state if missing and, if p is not nil, sets its policy.
func (r *kindRegistry) upsert(k Kind, p *Policy) *kindState {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := *r.kinds.Load()
	if ks, ok := old[k]; ok {
		if p != nil {
			cp := *p
			ks.policy.Store(&cp)
		}
		return ks
	}
	pol := r.def
	if p != nil {
		pol = *p
	}
	ks := r.newKindState(k, pol)
	m := make(map[Kind]*kindState, len(old)+1)
	for kk, v := range old {
		m[kk] = v
	}
	m[k] = ks
	r.kinds.Store(&m)
	return ks
}

func (r *kindRegistry) all() map[Kind]*kindState { return *r.kinds.Load() }
