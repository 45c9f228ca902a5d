package serve

import (
	"context"
	"net/http"
	"time"

	"github.com/coder/websocket"
)

// writeTimeout closes a viewer's WebSocket when one message takes longer
// than this to write: the viewer is gone or hopelessly slow.
const writeTimeout = 10 * time.Second

// handleWS streams binary frames (see encodeFrame) and JSON events (text
// messages) to one viewer until it leaves or the server stops. What the
// viewer sends is ignored.
func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	v, live, ok := s.hub.join()
	if !ok {
		writeError(w, http.StatusServiceUnavailable, "the server is stopping")
		return
	}
	defer s.hub.leave(v)
	c, err := websocket.Accept(w, r, nil) // same origin only
	if err != nil {
		return // Accept has answered
	}
	defer c.CloseNow()
	// CloseRead's context is not live's: cancelling it would drop the
	// connection before the "going away" close.
	gone := c.CloseRead(context.Background()) // done when the viewer closes or goes
	write := func(typ websocket.MessageType, b []byte) bool {
		ctx, cancel := context.WithTimeout(gone, writeTimeout)
		defer cancel()
		return c.Write(ctx, typ, b) == nil
	}
	for {
		select {
		case <-live.Done():
			c.Close(websocket.StatusGoingAway, "server stopping")
			return
		case <-gone.Done():
			return
		case b := <-v.events:
			if !write(websocket.MessageText, b) {
				return
			}
		case b := <-v.frames:
			if !write(websocket.MessageBinary, b) {
				return
			}
		}
	}
}
