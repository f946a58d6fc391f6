package web

import (
	"html/template"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// admission bounds the requests in flight. Under overload a request waits at
// most QueueWait for a slot and is otherwise refused at once with 503 and
// Retry-After: the requests that are accepted keep a short latency instead of
// every request slowing down together.
type admission struct {
	slots chan struct{}
	wait  time.Duration
}

func newAdmission(inFlight int, wait time.Duration) *admission {
	if inFlight <= 0 {
		return nil
	}
	return &admission{slots: make(chan struct{}, inFlight), wait: wait}
}

// refuseBusy answers 503 as cheaply as possible: at capacity, rendering a full
// page for every refusal would take the CPU the accepted requests need.
func (s *Server) refuseBusy(c *gin.Context) {
	s.metrics.refused.Add(1)
	c.Header("Retry-After", "1")
	c.Header("Cache-Control", "no-store")
	msg := s.catalog.T(langOf(c), "error.busy")
	if isAPI(c) {
		c.Data(http.StatusServiceUnavailable, "application/json; charset=utf-8",
			mustJSON(apiError{Error: apiErrorBody{Code: string(core.CodeUnavailable), Message: msg}}))
	} else {
		c.Data(http.StatusServiceUnavailable, "text/html; charset=utf-8",
			[]byte(`<!doctype html><html lang="`+string(langOf(c))+`"><meta charset="utf-8"><title>Quartier</title><p>`+template.HTMLEscapeString(msg)+`</p></html>`))
	}
	c.Abort()
}

func (s *Server) admit(c *gin.Context) {
	a := s.admission
	if a == nil {
		c.Next()
		return
	}
	select {
	case a.slots <- struct{}{}:
	default:
		t := time.NewTimer(a.wait)
		select {
		case a.slots <- struct{}{}:
			t.Stop()
		case <-t.C:
			s.refuseBusy(c)
			return
		case <-c.Request.Context().Done():
			t.Stop()
			c.AbortWithStatus(http.StatusServiceUnavailable)
			return
		}
	}
	defer func() { <-a.slots }()
	c.Next()
}
