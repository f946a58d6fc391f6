package web

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

// latencyBuckets are the upper bounds (seconds) of the request-duration histogram.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type requestKey struct {
	method, route string
	status        int
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	count  uint64
}

// metrics counts requests by route and status and their latencies by route, and
// writes them in the Prometheus text exposition format (version 0.0.4).
type metrics struct {
	refused   atomic.Int64 // requests turned away by admission control
	mu        sync.Mutex
	requests  map[requestKey]uint64
	durations map[[2]string]*histogram
	started   time.Time
}

func newMetrics() *metrics {
	return &metrics{requests: map[requestKey]uint64{}, durations: map[[2]string]*histogram{}, started: time.Now()}
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	secs := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{method, route, status}]++
	k := [2]string{method, route}
	h := m.durations[k]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets))}
		m.durations[k] = h
	}
	for i, ub := range latencyBuckets {
		if secs <= ub {
			h.counts[i]++
			break
		}
	}
	h.sum += secs
	h.count++
}

func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP quartier_http_requests_total HTTP requests by method, route and status.")
	fmt.Fprintln(w, "# TYPE quartier_http_requests_total counter")
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.status < b.status
	})
	for _, k := range keys {
		fmt.Fprintf(w, "quartier_http_requests_total{method=%q,route=%q,status=\"%d\"} %d\n", k.method, k.route, k.status, m.requests[k])
	}
	fmt.Fprintln(w, "# HELP quartier_http_request_duration_seconds HTTP request latency by method and route.")
	fmt.Fprintln(w, "# TYPE quartier_http_request_duration_seconds histogram")
	hkeys := make([][2]string, 0, len(m.durations))
	for k := range m.durations {
		hkeys = append(hkeys, k)
	}
	sort.Slice(hkeys, func(i, j int) bool {
		if hkeys[i][1] != hkeys[j][1] {
			return hkeys[i][1] < hkeys[j][1]
		}
		return hkeys[i][0] < hkeys[j][0]
	})
	for _, k := range hkeys {
		h := m.durations[k]
		var cum uint64
		for i, ub := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "quartier_http_request_duration_seconds_bucket{method=%q,route=%q,le=%q} %d\n", k[0], k[1], strconv.FormatFloat(ub, 'g', -1, 64), cum)
		}
		fmt.Fprintf(w, "quartier_http_request_duration_seconds_bucket{method=%q,route=%q,le=\"+Inf\"} %d\n", k[0], k[1], h.count)
		fmt.Fprintf(w, "quartier_http_request_duration_seconds_sum{method=%q,route=%q} %g\n", k[0], k[1], h.sum)
		fmt.Fprintf(w, "quartier_http_request_duration_seconds_count{method=%q,route=%q} %d\n", k[0], k[1], h.count)
	}
}

func (s *Server) metricsHandler(c *gin.Context) {
	c.Header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	c.Status(http.StatusOK)
	w := c.Writer
	s.metrics.write(w)
	st := s.store.PoolStats()
	gauge := func(name, help string, v any) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %v\n", name, help, name, name, v)
	}
	counter := func(name, help string, v any) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %v\n", name, help, name, name, v)
	}
	gauge("quartier_db_pool_max_connections", "Largest size of the database connection pool.", st.MaxConns)
	gauge("quartier_db_pool_total_connections", "Open database connections.", st.TotalConns)
	gauge("quartier_db_pool_idle_connections", "Idle database connections.", st.IdleConns)
	gauge("quartier_db_pool_acquired_connections", "Database connections in use.", st.AcquiredConns)
	counter("quartier_db_pool_acquires_total", "Connections acquired from the pool.", st.AcquireCount)
	counter("quartier_db_pool_empty_acquires_total", "Acquires that had to wait for a connection.", st.EmptyAcquireCount)
	counter("quartier_db_pool_acquire_wait_seconds_total", "Time spent waiting for a connection.", st.AcquireDuration.Seconds())
	counter("quartier_support_batches_total", "Statements that wrote supports (supports arriving together share one).", st.SupportBatches)
	counter("quartier_support_batched_total", "Supports those statements carried (a repeated click included).", st.SupportsBatched)
	counter("quartier_support_batches_failed_total", "Support statements that failed as a whole; their supports were then written one by one.", st.FailedSupportBatches)
	counter("quartier_http_refused_total", "Requests refused with 503 because the server was at capacity.", s.metrics.refused.Load())
	if a := s.admission; a != nil {
		gauge("quartier_http_in_flight", "Requests being served (at most http.max_in_flight).", len(a.slots))
		gauge("quartier_http_waiting", "Requests waiting for a slot.", a.waiting.Load())
		gauge("quartier_http_staff_in_flight", "Staff pages being served (slots of their own: an eighth of http.max_in_flight, at least two).", len(s.staffAdmission.slots))
		gauge("quartier_http_overloaded", "1 while admission control counts the server overloaded (in the last 2 s a request waited in vain, or for 100 ms every admitted request waited over half of http.burst_wait): a request waits http.queue_wait for a slot, not http.burst_wait.", a.overloaded())
	}
	gauge("quartier_process_start_time_seconds", "Start time of the process (Unix seconds).", s.metrics.started.Unix())
	for i, v := range goRuntimeValues() {
		if m := goRuntimeMetrics[i]; m.counter {
			counter(m.name, m.help, v)
		} else {
			gauge(m.name, m.help, v)
		}
	}
	writeGoRuntimeHistograms(w)
}
