package web

import (
	rtmetrics "runtime/metrics"
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
