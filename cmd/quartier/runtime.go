package main

import (
	"log/slog"
	"runtime/debug"
)

// RuntimeConfig tunes Go's garbage collector for `serve`.
type RuntimeConfig struct {
	// GCPercent is GOGC: how far the heap may grow over what is live before a
	// collection (-1: only the memory limit triggers one).
	GCPercent int `yaml:"gc_percent"`
	// MemoryLimitMB is GOMEMLIMIT in MiB: near it the collector works harder,
	// whatever GCPercent says (0: no limit).
	MemoryLimitMB int64 `yaml:"memory_limit_mb"`
}

// applyRuntime sets the collector from the configuration, unless the
// operator set GOGC or GOMEMLIMIT, which Go reads itself and which win.
//
// Why not Go's default (100): the server's live heap is small (about 25 MB),
// so with 100 it collected every second or so under load, and each mark phase
// took one of the two cores for 30–40 ms; the supports' p99 at 2,000/s went
// from 14–20 ms to 7–8 ms with 800 (docs/PERFORMANCE.md). The memory limit
// keeps the larger headroom from growing without bound.
func applyRuntime(rc RuntimeConfig, getenv func(string) string, log *slog.Logger) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(rc.GCPercent)
	}
	if getenv("GOMEMLIMIT") == "" && rc.MemoryLimitMB > 0 {
		debug.SetMemoryLimit(rc.MemoryLimitMB << 20)
	}
	log.Debug("garbage collector", "gc_percent", rc.GCPercent, "memory_limit_mb", rc.MemoryLimitMB,
		"GOGC", getenv("GOGC"), "GOMEMLIMIT", getenv("GOMEMLIMIT"))
}
