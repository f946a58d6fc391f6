package main

import (
	"strings"
	"testing"
)

// The runtime figures come from /metrics' text: the counters, and the
// collector's stops as a cumulative histogram whose first bound holding every
// new stop bounds the longest.
func TestServerRuntimeFromMetrics(t *testing.T) {
	read := func(text string) serverRuntime {
		rt, ok := parseServerRuntime(strings.NewReader(text))
		if !ok {
			t.Fatalf("not read: %q", text)
		}
		return rt
	}
	before := read("# HELP go_gc_cycles_total x\ngo_gc_cycles_total 7\ngo_heap_allocated_bytes_total 1000\n" +
		`go_gc_pause_seconds_bucket{le="0.001"} 10` + "\n" + `go_gc_pause_seconds_bucket{le="0.005"} 14` + "\n" + `go_gc_pause_seconds_bucket{le="+Inf"} 14` + "\n")
	after := read("go_gc_cycles_total 8\ngo_heap_allocated_bytes_total 5001000\n" +
		`go_gc_pause_seconds_bucket{le="0.001"} 11` + "\n" + `go_gc_pause_seconds_bucket{le="0.005"} 16` + "\n" + `go_gc_pause_seconds_bucket{le="+Inf"} 16` + "\n")
	var b strings.Builder
	reportServerRuntime(&b, before, after, 1000)
	if want := "  server's Go runtime during the run: 1 collection(s) (2 stops, the longest at most 5 ms), 5.0 kB allocated per request\n"; b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
	if _, ok := parseServerRuntime(strings.NewReader("404 page not found")); ok {
		t.Fatal("a page without the counters read as figures")
	}
}
