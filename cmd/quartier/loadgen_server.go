package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// serverRuntime is what a Quartier server's /metrics says of its Go runtime
// at one moment: read before and after a measured run, it tells how many
// collections fell in the run, how long they stopped the server, and how much
// the server allocated per request (what sets how often it collects).
type serverRuntime struct {
	gcCycles, allocated float64
	// pauses counts the collector's stops by upper bound in seconds
	// (go_gc_pause_seconds_bucket, cumulative), in /metrics' order.
	pauses []bucketCount
}

type bucketCount struct {
	le    string
	count float64
}

// readServerRuntime reads base's /metrics; false when the server has none (the
// baseline handler) or does not answer.
func readServerRuntime(ctx context.Context, client *http.Client, base string) (serverRuntime, bool) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return serverRuntime{}, false
	}
	resp, err := client.Do(req)
	if err != nil {
		return serverRuntime{}, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return serverRuntime{}, false
	}
	return parseServerRuntime(resp.Body)
}

// parseServerRuntime reads the Prometheus text lines it needs; false when the
// collector's cycle counter is missing.
func parseServerRuntime(r io.Reader) (serverRuntime, bool) {
	var rt serverRuntime
	found := false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			continue
		}
		switch {
		case name == "go_gc_cycles_total":
			rt.gcCycles, found = v, true
		case name == "go_heap_allocated_bytes_total":
			rt.allocated = v
		case strings.HasPrefix(name, `go_gc_pause_seconds_bucket{le="`):
			rt.pauses = append(rt.pauses, bucketCount{le: strings.TrimSuffix(strings.TrimPrefix(name, `go_gc_pause_seconds_bucket{le="`), `"}`), count: v})
		}
	}
	return rt, found && sc.Err() == nil
}

// reportServerRuntime writes what changed between before and after, over the
// run's requests: "1 collection(s) (2 stops, the longest at most 5 ms), 4.9 kB
// allocated per request".
func reportServerRuntime(w io.Writer, before, after serverRuntime, requests int) {
	cycles := int(after.gcCycles - before.gcCycles)
	fmt.Fprintf(w, "  server's Go runtime during the run: %d collection(s)", cycles)
	if len(after.pauses) == len(before.pauses) {
		stops, longest := 0.0, ""
		for i, b := range after.pauses {
			if d := b.count - before.pauses[i].count; d > stops { // cumulative: the first bound holding every stop is the longest's
				stops, longest = d, b.le
			}
		}
		if bound, err := strconv.ParseFloat(longest, 64); stops > 0 && err == nil && !math.IsInf(bound, 1) {
			fmt.Fprintf(w, " (%.0f stops, the longest at most %g ms)", stops, bound*1000)
		} else if stops > 0 {
			fmt.Fprintf(w, " (%.0f stops, the longest beyond the last bound)", stops)
		}
	}
	if requests > 0 {
		fmt.Fprintf(w, ", %.1f kB allocated per request", (after.allocated-before.allocated)/float64(requests)/1000)
	}
	fmt.Fprintln(w)
}
