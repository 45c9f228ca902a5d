package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// MaxBody is the largest request body accepted (413 beyond).
const MaxBody = 64 << 10

// maxCoord bounds pin coordinates, as kernel.Params bounds its fields.
const maxCoord = 1e12

// requestError is a rejected request: its status and one-line reason.
type requestError struct {
	status int
	reason string
}

func (e *requestError) Error() string { return e.reason }

func badRequest(format string, args ...any) *requestError {
	return &requestError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// writeError answers {"error": reason} on one line.
func writeError(w http.ResponseWriter, status int, reason string) {
	reason = strings.ReplaceAll(reason, "\n", " ")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(mustJSON(map[string]string{"error": reason}))
	w.Write([]byte("\n"))
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(mustJSON(v))
	w.Write([]byte("\n"))
}

func fail(w http.ResponseWriter, err error) {
	var re *requestError
	if errors.As(err, &re) {
		writeError(w, re.status, re.reason)
		return
	}
	writeError(w, http.StatusInternalServerError, "simulation: "+err.Error())
}

// decode reads one JSON object from the body into v: unknown fields,
// trailing data and bodies over MaxBody are rejected. With optional, an
// empty body leaves v alone.
func decode(w http.ResponseWriter, r *http.Request, v any, optional bool) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d KiB", MaxBody>>10)}
	}
	if err != nil {
		return badRequest("reading the body: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if optional {
			return nil
		}
		return badRequest("empty body: want a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		msg := strings.TrimPrefix(err.Error(), "json: ")
		var te *json.UnmarshalTypeError
		switch {
		case strings.HasPrefix(msg, "unknown field"):
			return badRequest("%s", msg)
		case errors.As(err, &te):
			return badRequest("bad value: %s", msg)
		}
		return badRequest("malformed JSON: %s", msg)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("malformed JSON: unexpected data after the object")
	}
	return nil
}

func (s *Server) handleState(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, s.stateOf(s.cfg.Sim.State()))
}

// handleParams takes a JSON object of kernel.Params fields, by their Go
// names; fields it leaves out keep their values. Dims and Seed cannot
// change while serving.
func (s *Server) handleParams(w http.ResponseWriter, r *http.Request) {
	p, err := s.params(w, r)
	if err == nil {
		err = s.cfg.Sim.SetParams(p)
	}
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, map[string]any{"params": p})
}

func (s *Server) params(w http.ResponseWriter, r *http.Request) (kernel.Params, error) {
	cur := s.cfg.Sim.State().Params
	p := cur
	if err := decode(w, r, &p, false); err != nil {
		return p, err
	}
	if p.Dims != cur.Dims {
		return p, badRequest("Dims=%d: cannot change while serving (it is %d)", p.Dims, cur.Dims)
	}
	if p.Seed != cur.Seed {
		return p, badRequest("Seed=%d: cannot change while serving (it is %d)", p.Seed, cur.Seed)
	}
	if err := p.Validate(); err != nil {
		var pe *kernel.ParamError
		if errors.As(err, &pe) {
			return p, badRequest("%s=%v: %s", pe.Name, pe.Value, pe.Reason)
		}
		return p, badRequest("%v", err)
	}
	return p, nil
}

func (s *Server) handlePause(w http.ResponseWriter, r *http.Request) {
	s.control(w, r, s.cfg.Sim.Pause)
}

func (s *Server) handleResume(w http.ResponseWriter, r *http.Request) {
	s.control(w, r, s.cfg.Sim.Resume)
}

// control takes an empty body or {}.
func (s *Server) control(w http.ResponseWriter, r *http.Request, do func() error) {
	var none struct{}
	err := decode(w, r, &none, true)
	if err == nil {
		err = do()
	}
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, s.stateOf(s.cfg.Sim.State()))
}

// pinRequest is POST /api/pin's body: {id, x, y[, z]} pins, {id, unpin:
// true} unpins.
type pinRequest struct {
	ID    *int64   `json:"id"`
	X     *float64 `json:"x"`
	Y     *float64 `json:"y"`
	Z     *float64 `json:"z"`
	Unpin bool     `json:"unpin"`
}

func (s *Server) handlePin(w http.ResponseWriter, r *http.Request) {
	var req pinRequest
	err := decode(w, r, &req, false)
	if err == nil {
		err = s.pin(&req)
	}
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, map[string]any{"id": *req.ID, "pinned": !req.Unpin})
}

func (s *Server) pin(req *pinRequest) error {
	if req.ID == nil {
		return badRequest("id is required")
	}
	id := *req.ID
	if id < 0 || id >= int64(s.nodes) {
		return badRequest("unknown node id %d (the graph has nodes 0..%d)", id, s.nodes-1)
	}
	if req.Unpin {
		if req.X != nil || req.Y != nil || req.Z != nil {
			return badRequest("unpin takes no coordinates")
		}
		return s.cfg.Sim.Unpin(int(id))
	}
	if req.X == nil || req.Y == nil {
		return badRequest("x and y are required to pin (or unpin: true)")
	}
	z := 0.0
	if req.Z != nil {
		z = *req.Z
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"x", *req.X}, {"y", *req.Y}, {"z", z}} {
		if math.IsNaN(c.v) || math.IsInf(c.v, 0) || math.Abs(c.v) > maxCoord {
			return badRequest("%s=%v: must be in [-1e12, 1e12]", c.name, c.v)
		}
	}
	return s.cfg.Sim.Pin(int(id), float32(*req.X), float32(*req.Y), float32(z))
}
