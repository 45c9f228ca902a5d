package middleware

import (
	"reflect"

	"github.com/protoack/protoack/messaging"
)

// Kinded is implemented by a message that names its own kind. A message
// whose Go type is registered with Track uses the registered kind instead;
// an empty kind leaves the message untracked.
type Kinded interface {
	TrackingKind() messaging.Kind
}

// kinds maps registered Go types to their kind. It is built by New and
// only read afterwards. Up to maxFew types are looked up by comparing
// types, which costs a fraction of hashing one.
type kinds struct {
	few    []typeKind
	byType map[reflect.Type]messaging.Kind // beyond maxFew
}

type typeKind struct {
	t    reflect.Type
	kind messaging.Kind
}

const maxFew = 8

// add registers t as kind (the last registration of t wins).
func (k *kinds) add(t reflect.Type, kind messaging.Kind) {
	for i := range k.few {
		if k.few[i].t == t {
			k.few[i].kind = kind
			return
		}
	}
	if k.byType == nil && len(k.few) < maxFew {
		k.few = append(k.few, typeKind{t, kind})
		return
	}
	if k.byType == nil {
		k.byType = make(map[reflect.Type]messaging.Kind)
		for _, tk := range k.few {
			k.byType[tk.t] = tk.kind
		}
		k.few = nil
	}
	k.byType[t] = kind
}

// all returns the registered kinds.
func (k *kinds) all() []messaging.Kind {
	var out []messaging.Kind
	for _, tk := range k.few {
		out = append(out, tk.kind)
	}
	for _, kind := range k.byType {
		out = append(out, kind)
	}
	return out
}

// of returns msg's kind, and whether msg is tracked. It does not allocate.
func (k *kinds) of(msg any) (messaging.Kind, bool) {
	if len(k.few) > 0 {
		t := reflect.TypeOf(msg)
		for i := range k.few {
			if k.few[i].t == t {
				return k.few[i].kind, true
			}
		}
	} else if len(k.byType) > 0 {
		if kind, ok := k.byType[reflect.TypeOf(msg)]; ok {
			return kind, true
		}
	}
	if m, ok := msg.(Kinded); ok {
		if kind := m.TrackingKind(); kind != "" {
			return kind, true
		}
	}
	return "", false
}
