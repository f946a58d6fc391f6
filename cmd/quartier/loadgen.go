package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"
)

// openLoop sends requests at a constant rate for a duration, whatever the
// server's answers (open loop: a slow server does not slow the sender), and
// measures each latency from the time the request was scheduled, so that
// queueing in the client or the server shows (as wrk2 does). next builds the
// i-th request; it is called from several goroutines.
//
// Like wrk2, it writes and reads HTTP/1.1 on keep-alive connections itself:
// net/http's client cost about 145 µs of CPU per request, which on a machine
// shared with the server and PostgreSQL is CPU taken from what is measured.
// A connection is added whenever every one is busy, up to loadConns; a
// request that finds none free waits, and the wait counts in its latency.
func openLoop(ctx context.Context, rate int, duration time.Duration, next func(i int) *http.Request) loadResult {
	interval := time.Second / time.Duration(rate)
	total := int(duration / interval)
	jobs := make(chan loadJob, total)
	samples := make([]sample, total)
	var wg sync.WaitGroup
	workers := 0
	spawn := func() { // a connection of its own, dialled on first use
		workers++
		wg.Add(1)
		go func() {
			defer wg.Done()
			var c loadConn
			defer c.close()
			for j := range jobs {
				late := time.Since(j.scheduled)
				status := c.do(ctx, next(j.i))
				samples[j.i] = sample{status: status, latency: time.Since(j.scheduled), late: late}
			}
		}()
	}
	spawn()
	start := time.Now()
	sent := 0
	for ; sent < total && ctx.Err() == nil; sent++ {
		scheduled := start.Add(time.Duration(sent) * interval)
		if d := time.Until(scheduled); d > 0 {
			time.Sleep(d)
		}
		jobs <- loadJob{i: sent, scheduled: scheduled}
		// Every connection busy: one more, so that the connections follow
		// the peak of requests in flight, up to loadConns.
		if len(jobs) > 0 && workers < loadConns {
			spawn()
		}
	}
	close(jobs)
	wg.Wait()
	res := loadResult{statuses: map[int]int{}, elapsed: time.Since(start), sent: sent, latencies: samples[:sent]}
	for _, s := range res.latencies {
		res.statuses[s.status]++
	}
	return res
}

// loadConns is the most connections openLoop opens: far more than the server
// admits at once (http.max_in_flight), so that the server, not the
// generator, decides what waits and what is refused.
const loadConns = 512

type loadJob struct {
	i         int
	scheduled time.Time
}

// loadConn is one keep-alive connection of openLoop, dialled on first use and
// again after an error or a "Connection: close".
type loadConn struct {
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
}

// do sends req and reads the whole answer; it returns the status, or 0 when
// the request failed.
func (c *loadConn) do(ctx context.Context, req *http.Request) int {
	if c.conn == nil {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", req.URL.Host)
		if err != nil {
			return 0
		}
		c.conn, c.r, c.w = conn, bufio.NewReader(conn), bufio.NewWriter(conn)
	}
	_ = c.conn.SetDeadline(time.Now().Add(30 * time.Second))
	if err := req.Write(c.w); err != nil || c.w.Flush() != nil {
		c.close()
		return 0
	}
	resp, err := http.ReadResponse(c.r, req)
	if err != nil {
		c.close()
		return 0
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.Close {
		c.close()
	}
	return resp.StatusCode
}

func (c *loadConn) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

type sample struct {
	status  int
	latency time.Duration // from the scheduled send to the whole answer read
	late    time.Duration // from the scheduled send to a connection taking it: the generator's own delay
}

type loadResult struct {
	sent      int
	elapsed   time.Duration
	statuses  map[int]int
	latencies []sample
}

// percentile of the latencies of the responses with a status accepted by keep.
func (r loadResult) percentile(p float64, keep func(int) bool) time.Duration {
	return r.percentileOf(p, keep, func(s sample) time.Duration { return s.latency })
}

func (r loadResult) percentileOf(p float64, keep func(int) bool, of func(sample) time.Duration) time.Duration {
	var ds []time.Duration
	for _, s := range r.latencies {
		if keep(s.status) {
			ds = append(ds, of(s))
		}
	}
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	i := int(float64(len(ds)-1) * p)
	return ds[i]
}

func (r loadResult) count(keep func(int) bool) int {
	n := 0
	for st, c := range r.statuses {
		if keep(st) {
			n += c
		}
	}
	return n
}

func (r loadResult) report(w io.Writer, name string, rate int, accepted func(int) bool) {
	refused := func(s int) bool { return s == http.StatusServiceUnavailable }
	fmt.Fprintf(w, "%s: offered %d/s for %.1fs: %d sent, %d accepted (%.0f/s), %d refused (503), statuses %v\n",
		name, rate, r.elapsed.Seconds(), r.sent, r.count(accepted), float64(r.count(accepted))/r.elapsed.Seconds(), r.count(refused), r.statuses)
	fmt.Fprintf(w, "  accepted latency: p50 %v  p90 %v  p99 %v  max %v\n",
		r.percentile(0.5, accepted).Round(10*time.Microsecond), r.percentile(0.9, accepted).Round(10*time.Microsecond),
		r.percentile(0.99, accepted).Round(10*time.Microsecond), r.percentile(1, accepted).Round(10*time.Microsecond))
	if r.count(refused) > 0 {
		fmt.Fprintf(w, "  refused latency:  p50 %v  p90 %v  p99 %v\n", r.percentile(0.5, refused).Round(10*time.Microsecond),
			r.percentile(0.9, refused).Round(10*time.Microsecond), r.percentile(0.99, refused).Round(10*time.Microsecond))
	}
	all := func(int) bool { return true }
	late := func(s sample) time.Duration { return s.late }
	fmt.Fprintf(w, "  generator's own delay (scheduled → taken by a connection): p50 %v  p99 %v\n",
		r.percentileOf(0.5, all, late).Round(10*time.Microsecond), r.percentileOf(0.99, all, late).Round(10*time.Microsecond))
}
