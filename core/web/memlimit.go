package web

import (
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// memLimiter counts hits in fixed windows in this process's memory. It guards the
// frequent writes (supports, comments, flags, API writes), where a database
// counter would add a flushed commit to every request; the rare sensitive ones
// (login, sign-up, reset, mails) keep the shared counters in PostgreSQL.
// With several server processes each enforces the limit on its own.
type memLimiter struct {
	mu      sync.Mutex
	windows map[string]memWindow
	sweep   time.Time
}

type memWindow struct {
	start time.Time
	hits  int
}

func newMemLimiter() *memLimiter { return &memLimiter{windows: map[string]memWindow{}} }

// hit counts one hit and returns the hits in the current window and its end.
func (m *memLimiter) hit(key string, window time.Duration, now time.Time) (int, time.Time) {
	start := now.Truncate(window)
	m.mu.Lock()
	defer m.mu.Unlock()
	if now.Sub(m.sweep) > time.Minute {
		for k, w := range m.windows {
			if now.Sub(w.start) > 24*time.Hour {
				delete(m.windows, k)
			}
		}
		m.sweep = now
	}
	w := m.windows[key]
	if !w.start.Equal(start) {
		w = memWindow{start: start}
	}
	w.hits++
	m.windows[key] = w
	return w.hits, start.Add(window)
}

// allowFast is allow for frequent writes, counted in memory.
func (s *Server) allowFast(c *gin.Context, bucket string, limit Limit, key string) error {
	if limit.Max <= 0 || key == "" {
		return nil
	}
	hits, resets := s.memLimits.hit(bucket+"\x00"+key, limit.Window, s.now())
	if hits > limit.Max {
		wait := max(resets.Sub(s.now()), time.Second)
		c.Header("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		return &core.Error{Code: core.CodeRateLimited, Key: "error.rate_limited"}
	}
	return nil
}

// contentAuthor is the signed-in participant writing new content (an idea,
// comment, argument, proposal or its correction), within their rate of such
// writes; false, with the refusal sent, when they are over it.
func (s *Server) contentAuthor(c *gin.Context) (*core.Participant, bool) {
	u := userOf(c)
	if err := s.allowFast(c, "content", s.cfg.Limits.APIWritePerUser, u.Email); err != nil {
		s.fail(c, err)
		return nil, false
	}
	return u, true
}
