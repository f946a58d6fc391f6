package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"time"
)

// openLoop sends requests at a constant rate for a duration, whatever the
// server's answers (open loop: a slow server does not slow the sender), and
// measures each latency from the time the request was scheduled, so that
// queueing in the client or the server shows (as wrk2 does). next builds the
// i-th request; every request is built and put into bytes before the clock
// starts. runLoad (one epoll loop, loadgen_epoll_linux.go) sends them and
// reads the answers on keep-alive connections; a request it could not send or
// get an answer to counts with status 0. The error says the run could not
// start at all (a host that does not resolve, a system without epoll).
func openLoop(ctx context.Context, rate int, duration time.Duration, next func(i int) *http.Request) (loadResult, error) {
	interval := time.Second / time.Duration(rate)
	total := int(duration / interval)
	wire := make([][]byte, total)
	host := ""
	for i := range wire {
		req := next(i)
		var b bytes.Buffer
		if err := req.Write(&b); err != nil {
			panic(fmt.Sprintf("load request %d: %v", i, err)) // the scenarios build their requests themselves
		}
		wire[i], host = b.Bytes(), req.URL.Host
	}
	samples, start, sent, err := runLoad(ctx, host, wire, interval)
	if err != nil {
		return loadResult{}, fmt.Errorf("load generator: %w", err)
	}
	res := loadResult{statuses: map[int]int{}, start: start, elapsed: time.Since(start), sent: sent, interval: interval, latencies: samples[:sent]}
	for _, s := range res.latencies {
		res.statuses[s.status]++
	}
	return res, nil
}

// loadConns is the most connections openLoop opens: far more than the server
// admits at once (http.max_in_flight), so that the server, not the
// generator, decides what waits and what is refused.
const loadConns = 512

// preopened is how many connections openLoop opens before it starts: the
// requests of 20 ms at rate, at least one.
func preopened(rate int) int { return min(loadConns, max(1, rate/50)) }

type sample struct {
	status  int
	latency time.Duration // from the scheduled send to the whole answer read
	late    time.Duration // from the scheduled send to a connection taking it: the generator's own delay
	dialled bool          // the connection was opened for this request (its latency includes connecting)
	// arrived is from the scheduled send to the kernel receiving the answer's
	// end when stamped; otherwise it is latency. The kernel turns its time
	// stamps on lazily, so the first answers after a quiet spell may have none.
	arrived time.Duration
	stamped bool
}

type loadResult struct {
	start     time.Time // when request 0 was scheduled
	sent      int
	elapsed   time.Duration
	interval  time.Duration // between two scheduled sends: request i was scheduled at i × interval
	statuses  map[int]int
	latencies []sample
	server    *[2]serverRuntime // the server's runtime before and after, when it tells
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

func (r loadResult) countSamples(keep func(sample) bool) int {
	n := 0
	for _, s := range r.latencies {
		if keep(s) {
			n++
		}
	}
	return n
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
	arrived := func(s sample) time.Duration { return s.arrived }
	if stamped := r.countSamples(func(s sample) bool { return s.stamped }); stamped > 0 {
		fmt.Fprintf(w, "  answers' arrival (kernel time stamp, before the generator reads them): accepted p50 %v  p99 %v",
			r.percentileOf(0.5, accepted, arrived).Round(10*time.Microsecond), r.percentileOf(0.99, accepted, arrived).Round(10*time.Microsecond))
		if r.count(refused) > 0 {
			fmt.Fprintf(w, "; refused p50 %v  p90 %v  p99 %v", r.percentileOf(0.5, refused, arrived).Round(10*time.Microsecond),
				r.percentileOf(0.9, refused, arrived).Round(10*time.Microsecond), r.percentileOf(0.99, refused, arrived).Round(10*time.Microsecond))
		}
		if unstamped := r.countSamples(func(s sample) bool { return s.status != 0 && !s.stamped }); unstamped > 0 {
			fmt.Fprintf(w, " (%d without a stamp, counted when read)", unstamped)
		}
		fmt.Fprintln(w)
	}
	late := func(s sample) time.Duration { return s.late }
	var dialled []time.Duration
	for _, s := range r.latencies {
		if s.dialled {
			dialled = append(dialled, s.latency)
		}
	}
	if len(dialled) > 0 {
		slices.Sort(dialled)
		fmt.Fprintf(w, "  %d connections opened during the run; their first requests (counted above): p50 %v  max %v\n",
			len(dialled), dialled[len(dialled)/2].Round(10*time.Microsecond), dialled[len(dialled)-1].Round(10*time.Microsecond))
	}
	fmt.Fprintf(w, "  generator's own delay (scheduled → taken by a connection): p50 %v  p99 %v\n",
		r.percentileOf(0.5, all, late).Round(10*time.Microsecond), r.percentileOf(0.99, all, late).Round(10*time.Microsecond))
}

// loadReporter prints a run's figures and, when samples names a file, writes
// every request there as CSV (when it was scheduled, its status, latency and
// the generator's own delay, in milliseconds, whether a connection was opened
// for it, and when its answer arrived and whether the kernel stamped that), to
// see when in the run the slow answers fell.
//
// When the server has a /metrics (client, base), measure brackets a run with
// two readings of it and report adds what the server's Go runtime did
// meanwhile.
type loadReporter struct {
	w       io.Writer
	samples string
	client  *http.Client
	base    string
}

// measure runs openLoop and, if the server tells, what its runtime did during
// the run.
func (l loadReporter) measure(ctx context.Context, rate int, duration time.Duration, next func(i int) *http.Request) (loadResult, error) {
	before, ok := readServerRuntime(ctx, l.client, l.base)
	res, err := openLoop(ctx, rate, duration, next)
	if err != nil {
		return res, err
	}
	if ok {
		if after, ok := readServerRuntime(ctx, l.client, l.base); ok {
			res.server = &[2]serverRuntime{before, after}
		}
	}
	return res, nil
}

func (l loadReporter) report(r loadResult, name string, rate int, accepted func(int) bool) error {
	r.report(l.w, name, rate, accepted)
	if r.server != nil {
		reportServerRuntime(l.w, r.server[0], r.server[1], r.sent)
	}
	if l.samples == "" {
		return nil
	}
	f, err := os.Create(l.samples)
	if err != nil {
		return fmt.Errorf("samples: %w", err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "scheduled_ms,status,latency_ms,late_ms,dialled,arrived_ms,stamped")
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	for i, s := range r.latencies {
		fmt.Fprintf(w, "%.3f,%d,%.3f,%.3f,%t,%.3f,%t\n", ms(time.Duration(i)*r.interval), s.status, ms(s.latency), ms(s.late), s.dialled, ms(s.arrived), s.stamped)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("samples: %w", err)
	}
	// The samples' times count from the run's start; its wall-clock time
	// lines them up with the server's logs and metrics.
	fmt.Fprintf(l.w, "  samples in %s (times from %s)\n", l.samples, r.start.UTC().Format("15:04:05.000"))
	return f.Close()
}
