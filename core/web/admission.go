package web

import (
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
			s.metrics.refused.Add(1)
			c.Header("Retry-After", "1")
			s.fail(c, &core.Error{Code: core.CodeUnavailable, Key: "error.busy"})
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
