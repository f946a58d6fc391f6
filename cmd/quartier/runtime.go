package main

import (
	"context"
	"log/slog"
	"math"
	"runtime"
	"runtime/debug"
	"time"
)

// RuntimeConfig tunes Go's scheduler and garbage collector for `serve`.
type RuntimeConfig struct {
	// ProcsPerCore multiplies GOMAXPROCS, Go's count of threads running Go
	// code at once (by default one per core the process may use); 1 keeps
	// Go's default.
	ProcsPerCore int `yaml:"procs_per_core"`
	// GCPercent is GOGC: how far the heap may grow over what is live before a
	// collection (-1: only the memory limit triggers one).
	GCPercent int `yaml:"gc_percent"`
	// MemoryLimitMB is GOMEMLIMIT in MiB: near it the collector works harder,
	// whatever GCPercent says (0: no limit).
	MemoryLimitMB int64 `yaml:"memory_limit_mb"`
	// DeferGCWhenOverloaded lets the heap grow to the memory limit while the
	// server is overloaded (see deferCollectionsWhileOverloaded); it needs a
	// memory limit.
	DeferGCWhenOverloaded bool `yaml:"defer_gc_when_overloaded"`
}

// applyRuntime sets the scheduler and the collector from the configuration,
// unless the operator set GOMAXPROCS, GOGC or GOMEMLIMIT, which Go reads
// itself and which win.
//
// Why two threads per core: when PostgreSQL shares the machine, the kernel
// often takes a core from a thread in the middle of Go code, and Go counts
// that thread as busy. With one thread per core both were then often "busy",
// so no thread waited on the network: a request that had arrived was noticed
// only when a thread ran out of work, milliseconds later, and waited behind
// the work at hand. With two per core one usually waits on the network. In
// alternated load runs on two cores (docs/PERFORMANCE.md, 2026-11-27 morning)
// the server accepted more supports under overload in every pair (up to
// 85 % more) and refused the excess faster; idea lists and the map answered
// faster; ballots, which wait on PostgreSQL, showed no consistent difference.
//
// Why GOGC 2400 rather than Go's default (100): the server's live heap is
// small (about 12 MB under load), so with 100 it collected several times a
// second under load, and every cycle slowed all answers for a few tens of
// milliseconds: a stop of all threads (up to 5 ms on two shared cores) and
// mark workers taking the cores. At 2,000/s the supports' p99 went from
// 14–20 ms to 7–8 ms with 800; with 2400 the refusals under overload had a
// shorter tail than with 800 in ten of thirteen alternated runs, a collection
// every five seconds or so instead of every two (docs/PERFORMANCE.md). The heap
// then peaks near 300 MB under load; the memory limit keeps that headroom
// from growing without bound if the live heap grows.
func applyRuntime(rc RuntimeConfig, getenv func(string) string, log *slog.Logger) {
	if getenv("GOMAXPROCS") == "" && rc.ProcsPerCore > 1 {
		runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) * rc.ProcsPerCore)
	}
	if getenv("GOGC") == "" {
		debug.SetGCPercent(rc.GCPercent)
	}
	if getenv("GOMEMLIMIT") == "" && rc.MemoryLimitMB > 0 {
		debug.SetMemoryLimit(rc.MemoryLimitMB << 20)
	}
	log.Debug("go runtime", "gomaxprocs", runtime.GOMAXPROCS(0), "gc_percent", rc.GCPercent, "memory_limit_mb", rc.MemoryLimitMB,
		"GOMAXPROCS", getenv("GOMAXPROCS"), "GOGC", getenv("GOGC"), "GOMEMLIMIT", getenv("GOMEMLIMIT"))
}

// deferCollectionsWhileOverloaded turns the collector's percentage off while
// overloaded says so, and back to what it was once it no longer does, until
// ctx ends. Under overload every core is busy, and a collection's marking
// takes one of the Go threads and assists from the requests: the backlog it
// leaves takes a hundred milliseconds or more to drain, and the answers of
// those moments are the slowest of the overload. With the percentage off only
// the memory limit starts a collection, so a surge collects every twenty
// seconds or so instead of every five (at 8,000 requests a second, 6–7 kB
// each), and the heap returns to its usual size at the first collection once
// the surge is over. It does nothing without a memory limit (the heap would
// have no bound) or when GOGC is set.
func deferCollectionsWhileOverloaded(ctx context.Context, rc RuntimeConfig, getenv func(string) string, overloaded func() bool, log *slog.Logger) {
	if !rc.DeferGCWhenOverloaded || getenv("GOGC") != "" {
		return
	}
	if debug.SetMemoryLimit(-1) == math.MaxInt64 {
		log.Info("runtime.defer_gc_when_overloaded does nothing without a memory limit (runtime.memory_limit_mb or GOMEMLIMIT)")
		return
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deferred, percent := false, 0
	for {
		select {
		case <-ctx.Done():
			if deferred {
				debug.SetGCPercent(percent)
			}
			return
		case <-tick.C:
		}
		switch now := overloaded(); {
		case now && !deferred:
			percent, deferred = debug.SetGCPercent(-1), true
			log.Debug("overloaded: collections wait for the memory limit")
		case !now && deferred:
			debug.SetGCPercent(percent)
			deferred = false
			log.Debug("no longer overloaded: collections as configured", "gc_percent", percent)
		}
	}
}
