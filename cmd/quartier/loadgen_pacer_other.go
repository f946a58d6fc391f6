//go:build !linux

package main

import "time"

// pacer wakes openLoop's sender when the next request falls due; outside
// Linux it sleeps (see the Linux version for why that can be late).
type pacer struct{}

func startPacer(time.Duration) (time.Time, *pacer) { return time.Now(), &pacer{} }

func (*pacer) waitUntil(t time.Time) { time.Sleep(time.Until(t)) }

func (*pacer) stop() {}
