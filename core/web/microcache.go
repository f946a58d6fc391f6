package web

import (
	"bytes"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// microCache keeps the public answers of the busiest read endpoints (idea lists,
// the map) for one second, per URL and language. Under load, thousands of
// identical requests a second then cost one database round trip each second;
// the content is at most a second old. Only anonymous GETs are cached: a
// signed-in caller always gets a fresh answer.
type microCache struct {
	mu      sync.Mutex
	entries map[string]cachedAnswer
	ttl     time.Duration
}

type cachedAnswer struct {
	status     int
	ctype      string
	body       []byte
	at         time.Time
	refreshing bool // one request is computing a fresh answer; others get this one
}

const microCacheMax = 2000

func newMicroCache(ttl time.Duration) *microCache {
	return &microCache{entries: map[string]cachedAnswer{}, ttl: ttl}
}

// bodyRecorder keeps a copy of what the handler writes.
type bodyRecorder struct {
	gin.ResponseWriter
	buf bytes.Buffer
}

func (r *bodyRecorder) Write(b []byte) (int, error) {
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}

func (s *Server) cached(c *gin.Context) {
	m := s.micro
	if c.Request.Method != http.MethodGet || userOf(c) != nil || c.GetHeader("Authorization") != "" {
		c.Next()
		return
	}
	key := c.Request.URL.RequestURI() + "|" + string(langOf(c))
	now := time.Now()
	m.mu.Lock()
	e, ok := m.entries[key]
	fresh := ok && now.Sub(e.at) < m.ttl
	// When the answer has just expired, one request refreshes it while the others
	// keep getting the previous one (for at most ten seconds), so that expiry never
	// sends a crowd to the database at once.
	stale := ok && !fresh && e.refreshing && now.Sub(e.at) < 10*m.ttl
	if ok && !fresh && !e.refreshing {
		e.refreshing = true
		m.entries[key] = e
	}
	m.mu.Unlock()
	if fresh || stale {
		c.Header("X-Cache", "hit")
		c.Data(e.status, e.ctype, e.body)
		c.Abort()
		return
	}
	rec := &bodyRecorder{ResponseWriter: c.Writer}
	c.Writer = rec
	c.Next()
	if rec.Status() != http.StatusOK {
		m.mu.Lock()
		if old, ok := m.entries[key]; ok {
			old.refreshing = false
			m.entries[key] = old
		}
		m.mu.Unlock()
		return
	}
	m.mu.Lock()
	if len(m.entries) >= microCacheMax {
		for k, old := range m.entries {
			if now.Sub(old.at) >= m.ttl {
				delete(m.entries, k)
			}
		}
		if len(m.entries) >= microCacheMax {
			m.entries = map[string]cachedAnswer{}
		}
	}
	m.entries[key] = cachedAnswer{status: http.StatusOK, ctype: rec.Header().Get("Content-Type"), body: rec.buf.Bytes(), at: now}
	m.mu.Unlock()
}
