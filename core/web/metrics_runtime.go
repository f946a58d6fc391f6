package web

import (
	"fmt"
	"io"
	"math"
	rtmetrics "runtime/metrics"
	"strconv"
)

// goRuntimeMetrics are the Go runtime's figures /metrics shows: under load the
// collector's cycles are what an operator correlates slow moments with, and
// the bytes allocated per request (allocations over requests) are what makes
// them more or less frequent.
var goRuntimeMetrics = []struct {
	sample, name, help string
	counter            bool
}{
	{"/gc/cycles/total:gc-cycles", "go_gc_cycles_total", "Garbage collection cycles completed.", true},
	{"/gc/heap/allocs:bytes", "go_heap_allocated_bytes_total", "Bytes allocated on the heap since the start.", true},
	{"/gc/heap/live:bytes", "go_heap_live_bytes", "Heap bytes the last collection found live.", false},
	{"/gc/heap/goal:bytes", "go_heap_goal_bytes", "Heap size at which the next collection starts.", false},
	{"/sched/goroutines:goroutines", "go_goroutines", "Goroutines that exist.", false},
	{"/sched/gomaxprocs:threads", "go_gomaxprocs", "Threads running Go code at once (GOMAXPROCS).", false},
}

// goRuntimeValues reads goRuntimeMetrics, in their order; a figure this Go
// version does not know reads 0.
func goRuntimeValues() []uint64 {
	samples := make([]rtmetrics.Sample, len(goRuntimeMetrics))
	for i, m := range goRuntimeMetrics {
		samples[i].Name = m.sample
	}
	rtmetrics.Read(samples)
	values := make([]uint64, len(samples))
	for i, s := range samples {
		if s.Value.Kind() == rtmetrics.KindUint64 {
			values[i] = s.Value.Uint64()
		}
	}
	return values
}

// goRuntimeHistograms are the runtime's distributions /metrics shows as
// Prometheus histograms: how long goroutines waited to run (a request waits
// there before it is even read, and under load that wait was most of a fast
// refusal's time), and how long every goroutine stood still for the
// collector.
var goRuntimeHistograms = []struct{ sample, name, help string }{
	{"/sched/latencies:seconds", "go_sched_latency_seconds", "Time goroutines waited to run after becoming runnable (the runtime samples about one wait in eight)."},
	{"/sched/pauses/total/gc:seconds", "go_gc_pause_seconds", "Time the collector stopped every goroutine."},
}

// runtimeBuckets are the upper bounds (seconds) the runtime's finer buckets
// are gathered into.
var runtimeBuckets = []float64{0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1}

// writeGoRuntimeHistograms writes goRuntimeHistograms. A runtime bucket counts
// under the first bound at or above its upper end; the sum is estimated from
// the buckets' middles (the runtime keeps no sum).
func writeGoRuntimeHistograms(w io.Writer) {
	samples := make([]rtmetrics.Sample, len(goRuntimeHistograms))
	for i, m := range goRuntimeHistograms {
		samples[i].Name = m.sample
	}
	rtmetrics.Read(samples)
	for i, s := range samples {
		if s.Value.Kind() != rtmetrics.KindFloat64Histogram {
			continue
		}
		m, h := goRuntimeHistograms[i], s.Value.Float64Histogram()
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", m.name, m.help, m.name)
		var cum uint64
		j := 0
		for _, le := range runtimeBuckets {
			for ; j < len(h.Counts) && h.Buckets[j+1] <= le; j++ {
				cum += h.Counts[j]
			}
			fmt.Fprintf(w, "%s_bucket{le=%q} %d\n", m.name, strconv.FormatFloat(le, 'g', -1, 64), cum)
		}
		var count uint64
		var sum float64
		for k, c := range h.Counts {
			lo, hi := max(h.Buckets[k], 0), h.Buckets[k+1]
			if math.IsInf(hi, 1) {
				hi = lo
			}
			count += c
			sum += float64(c) * (lo + hi) / 2
		}
		fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %g\n%s_count %d\n", m.name, count, m.name, sum, m.name, count)
	}
}
