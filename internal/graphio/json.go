package graphio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// ReadJSON reads d3-style JSON from r, naming it name in errors:
//
//	{"nodes": [{"id": "a"}, {"id": 7}, ...],
//	 "links": [{"source": "a", "target": 7, "weight": 2}, ...]}
//
// Ids are strings or numbers; a number matches a string with the same text
// (7 and "7" are one id) and numbers match by their text as written. A node
// without "id" is named by its index in "nodes", as d3 does by default. A
// link endpoint may also be a node object {"id": ...}, as d3 leaves links
// after a simulation. "edges" is accepted for "links"; "weight" is optional
// (> 0, default 1); other fields are ignored.
//
// With a "nodes" list, every link endpoint must name one of its nodes.
// Without one, the nodes are the link endpoints, in order of first
// appearance. Errors name the input as name:line: reason.
func ReadJSON(r io.Reader, name string) (*Graph, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p := jsonParser{name: name, data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	return p.parse()
}

type jsonParser struct {
	name string
	data []byte
	dec  *json.Decoder
	// lineOff and line cache the last offset turned into a line number.
	lineOff int
	line    int
}

type jsonLink struct {
	source, target string
	weight         float32
	line           int
}

func (p *jsonParser) parse() (*Graph, error) {
	if err := p.delim('{', `want a JSON object {"nodes":[...],"links":[...]}`); err != nil {
		return nil, err
	}
	var labels []string
	var index map[string]int32
	haveNodes := false
	var links []jsonLink
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return nil, p.wrap(err)
		}
		key, _ := tok.(string)
		switch key {
		case "nodes":
			if haveNodes {
				return nil, p.errAt(p.offset(), `"nodes" given twice`)
			}
			haveNodes = true
			if labels, index, err = p.nodes(); err != nil {
				return nil, err
			}
		case "links", "edges":
			l, err := p.links()
			if err != nil {
				return nil, err
			}
			links = append(links, l...)
		default:
			var skip json.RawMessage
			if err := p.dec.Decode(&skip); err != nil {
				return nil, p.wrap(err)
			}
		}
	}
	if err := p.delim('}', "want the end of the object"); err != nil {
		return nil, err
	}
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, p.errAt(p.offset(), "unexpected data after the top-level object")
	}
	return p.build(labels, index, links)
}

// nodes reads the "nodes" array and returns each node's id and the index of
// each id.
func (p *jsonParser) nodes() ([]string, map[string]int32, error) {
	if err := p.delim('[', `"nodes" must be an array`); err != nil {
		return nil, nil, err
	}
	var labels []string
	index := map[string]int32{}
	for p.dec.More() {
		off := p.offset()
		var n struct {
			ID json.RawMessage `json:"id"`
		}
		if err := p.dec.Decode(&n); err != nil {
			return nil, nil, p.wrap(err)
		}
		i := len(labels)
		if i >= MaxNodes {
			return nil, nil, p.errAt(off, fmt.Sprintf("more than %d nodes", MaxNodes))
		}
		id := strconv.Itoa(i)
		if len(n.ID) > 0 && string(n.ID) != "null" {
			var err error
			if id, err = idText(n.ID); err != nil {
				return nil, nil, p.errAt(off, fmt.Sprintf("nodes[%d].id: %v", i, err))
			}
		}
		if _, dup := index[id]; dup {
			return nil, nil, p.errAt(off, fmt.Sprintf("nodes[%d]: duplicate id %q", i, id))
		}
		index[id] = int32(i)
		labels = append(labels, id)
	}
	return labels, index, p.delim(']', "want the end of \"nodes\"")
}

// links reads a "links" array.
func (p *jsonParser) links() ([]jsonLink, error) {
	if err := p.delim('[', `"links" must be an array`); err != nil {
		return nil, err
	}
	var out []jsonLink
	for k := 0; p.dec.More(); k++ {
		off := p.offset()
		var l struct {
			Source json.RawMessage `json:"source"`
			Target json.RawMessage `json:"target"`
			Weight *float64        `json:"weight"`
		}
		if err := p.dec.Decode(&l); err != nil {
			return nil, p.wrap(err)
		}
		line := p.lineOf(off)
		src, err := idText(l.Source)
		if err != nil {
			return nil, p.errLine(line, fmt.Sprintf("links[%d].source: %v", k, err))
		}
		dst, err := idText(l.Target)
		if err != nil {
			return nil, p.errLine(line, fmt.Sprintf("links[%d].target: %v", k, err))
		}
		w := float32(1)
		if l.Weight != nil {
			if !(*l.Weight > 0) || *l.Weight > math.MaxFloat32 {
				return nil, p.errLine(line, fmt.Sprintf("links[%d].weight %v is not a finite number > 0", k, *l.Weight))
			}
			w = float32(*l.Weight)
		}
		out = append(out, jsonLink{source: src, target: dst, weight: w, line: line})
	}
	return out, p.delim(']', "want the end of \"links\"")
}

// build resolves the links; a nil index (no "nodes") makes the endpoints
// the nodes.
func (p *jsonParser) build(labels []string, index map[string]int32, links []jsonLink) (*Graph, error) {
	haveNodes := index != nil
	if index == nil {
		index = map[string]int32{}
	}
	edges := make([]kernel.Edge, len(links))
	for k, l := range links {
		var ends [2]int32
		for e, id := range [2]string{l.source, l.target} {
			i, ok := index[id]
			if !ok {
				if haveNodes {
					return nil, p.errLine(l.line, fmt.Sprintf("links[%d]: unknown node id %q", k, id))
				}
				if len(labels) >= MaxNodes {
					return nil, p.errLine(l.line, fmt.Sprintf("more than %d nodes", MaxNodes))
				}
				i = int32(len(labels))
				index[id] = i
				labels = append(labels, id)
			}
			ends[e] = i
		}
		edges[k] = kernel.Edge{A: ends[0], B: ends[1], Weight: l.weight}
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("%s: empty graph: no nodes or links", p.name)
	}
	g, st, err := Build(len(labels), edges)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.name, err)
	}
	return &Graph{Graph: g, Labels: labels, Stats: st}, nil
}

// idText turns a JSON id (string, number, or object with an "id") into its
// text.
func idText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", errors.New("missing")
	}
	switch c := raw[0]; {
	case c == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return string(raw), nil
	case c == '{':
		var o struct {
			ID json.RawMessage `json:"id"`
		}
		if err := json.Unmarshal(raw, &o); err != nil {
			return "", err
		}
		if len(bytes.TrimSpace(o.ID)) > 0 && bytes.TrimSpace(o.ID)[0] == '{' {
			return "", errors.New("nested node objects")
		}
		return idText(o.ID)
	}
	return "", fmt.Errorf("id %s is not a string or a number", short(raw))
}

func short(b []byte) string {
	if len(b) > 20 {
		return string(b[:20]) + "..."
	}
	return string(b)
}

// delim reads the next token and checks it is the delimiter want.
func (p *jsonParser) delim(want json.Delim, msg string) error {
	off := p.offset()
	tok, err := p.dec.Token()
	if err != nil {
		return p.wrap(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return p.errAt(off, msg)
	}
	return nil
}

// offset returns the offset of the next value, past whitespace and commas.
func (p *jsonParser) offset() int {
	off := int(p.dec.InputOffset())
	for off < len(p.data) && bytes.IndexByte([]byte(" \t\r\n,:"), p.data[off]) >= 0 {
		off++
	}
	return off
}

// lineOf returns the 1-based line of byte offset off.
func (p *jsonParser) lineOf(off int) int {
	off = min(max(off, 0), len(p.data))
	if off < p.lineOff {
		p.lineOff, p.line = 0, 0
	}
	p.line += bytes.Count(p.data[p.lineOff:off], []byte{'\n'})
	p.lineOff = off
	return p.line + 1
}

func (p *jsonParser) errAt(off int, msg string) error { return p.errLine(p.lineOf(off), msg) }

func (p *jsonParser) errLine(line int, msg string) error {
	return fmt.Errorf("%s:%d: %s", p.name, line, msg)
}

// wrap names the line of a decoding error.
func (p *jsonParser) wrap(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return p.errLine(p.lineOf(int(syn.Offset)), syn.Error())
	case errors.As(err, &typ):
		return p.errLine(p.lineOf(int(typ.Offset)), typ.Error())
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return p.errLine(p.lineOf(len(p.data)), "unexpected end of JSON input")
	}
	return p.errLine(p.lineOf(int(p.dec.InputOffset())), err.Error())
}
