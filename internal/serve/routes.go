package serve

import (
	"embed"
	"encoding/binary"
	"io/fs"
	"net/http"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

//go:embed page
var pageFS embed.FS

// contentSecurity lets the page load only what the server serves.
const contentSecurity = "default-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	page, _ := fs.Sub(pageFS, "page")
	files := http.FileServerFS(page)
	mux.Handle("/", only("GET", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", contentSecurity)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	}))
	mux.Handle("/ws", only("GET", s.handleWS))
	mux.Handle("/api/state", only("GET", s.handleState))
	mux.Handle("/api/graph", only("GET", s.handleGraph))
	mux.Handle("/api/params", only("POST", s.handleParams))
	mux.Handle("/api/pause", only("POST", s.handlePause))
	mux.Handle("/api/resume", only("POST", s.handleResume))
	mux.Handle("/api/pin", only("POST", s.handlePin))
	mux.Handle("/metrics", only("GET", s.metrics.handler().ServeHTTP))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
	})
	return mux
}

// only answers requests of one method (GET takes HEAD too) and refuses
// the others with 405.
func only(method string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method && !(method == http.MethodGet && r.Method == http.MethodHead) {
			w.Header().Set("Allow", method)
			writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed on "+r.URL.Path)
			return
		}
		h(w, r)
	})
}

// encodeGraph is GET /api/graph's body: the node count (uint32), the edge
// count (uint32), then each undirected edge once as two uint32 node ids,
// little-endian.
func encodeGraph(g *kernel.Graph) []byte {
	var edges int
	for i := 0; i < g.Nodes; i++ {
		for _, j := range g.Col[g.RowPtr[i]:g.RowPtr[i+1]] {
			if int(j) > i {
				edges++
			}
		}
	}
	b := make([]byte, 8, 8+8*edges)
	binary.LittleEndian.PutUint32(b[0:], uint32(g.Nodes))
	binary.LittleEndian.PutUint32(b[4:], uint32(edges))
	for i := 0; i < g.Nodes; i++ {
		for _, j := range g.Col[g.RowPtr[i]:g.RowPtr[i+1]] {
			if int(j) > i {
				b = binary.LittleEndian.AppendUint32(b, uint32(i))
				b = binary.LittleEndian.AppendUint32(b, uint32(j))
			}
		}
	}
	return b
}

func (s *Server) handleGraph(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(s.graph)
}
