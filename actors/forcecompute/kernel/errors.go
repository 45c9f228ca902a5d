package kernel

import (
	"errors"
	"fmt"
)

// ErrClosed is returned by a Kernel used after Close.
var ErrClosed = errors.New("kernel: closed")

// ErrNoGraph is returned by Step or Positions before Upload.
var ErrNoGraph = errors.New("kernel: no graph uploaded")

// ParamError reports one invalid parameter by name.
type ParamError struct {
	Name   string // field name as in Params, e.g. "Theta"
	Value  any
	Reason string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("kernel: invalid parameter %s=%v: %s", e.Name, e.Value, e.Reason)
}
