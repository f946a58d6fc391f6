package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"time"
)

// openLoop sends requests at a constant rate for a duration, whatever the
// server's answers (open loop: a slow server does not slow the sender), and
// measures each latency from the time the request was scheduled, so that
// queueing in the client or the server shows (as wrk2 does). next builds the
// i-th request.
func openLoop(ctx context.Context, client *http.Client, rate int, duration time.Duration, next func(i int) *http.Request) loadResult {
	interval := time.Second / time.Duration(rate)
	total := int(duration / interval)
	res := loadResult{statuses: map[int]int{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < total && ctx.Err() == nil; i++ {
		scheduled := start.Add(time.Duration(i) * interval)
		if d := time.Until(scheduled); d > 0 {
			time.Sleep(d)
		}
		req := next(i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			status := 0
			resp, err := client.Do(req.WithContext(ctx))
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				status = resp.StatusCode
			}
			latency := time.Since(scheduled)
			mu.Lock()
			res.statuses[status]++
			res.latencies = append(res.latencies, sample{status: status, latency: latency})
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.sent = total
	return res
}

type sample struct {
	status  int
	latency time.Duration
}

type loadResult struct {
	sent      int
	elapsed   time.Duration
	statuses  map[int]int
	latencies []sample
}

// percentile of the latencies of the responses with a status accepted by keep.
func (r loadResult) percentile(p float64, keep func(int) bool) time.Duration {
	var ds []time.Duration
	for _, s := range r.latencies {
		if keep(s.status) {
			ds = append(ds, s.latency)
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
		fmt.Fprintf(w, "  refused latency:  p50 %v  p99 %v\n", r.percentile(0.5, refused).Round(10*time.Microsecond), r.percentile(0.99, refused).Round(10*time.Microsecond))
	}
}
