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
// only read afterwards.
type kinds map[reflect.Type]messaging.Kind

// of returns msg's kind, and whether msg is tracked. It does not allocate.
func (k kinds) of(msg any) (messaging.Kind, bool) {
	if len(k) > 0 {
		if kind, ok := k[reflect.TypeOf(msg)]; ok {
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
