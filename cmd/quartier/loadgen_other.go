//go:build !linux

package main

import (
	"context"
	"errors"
	"time"
)

// runLoad needs Linux: the generator is one epoll loop with a timerfd (see
// loadgen_epoll_linux.go), which is what keeps its own cost small on the
// machine it shares with the server and PostgreSQL.
func runLoad(context.Context, string, [][]byte, time.Duration) ([]sample, time.Time, int, error) {
	return nil, time.Time{}, 0, errors.New("it runs on Linux only (one epoll loop with a timerfd)")
}
