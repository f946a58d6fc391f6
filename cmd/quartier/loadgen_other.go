//go:build !linux

package main

import (
	"context"
	"errors"
	"time"
)

var errNoLoadGenerator = errors.New("the load generator runs on Linux only (one epoll loop with a timerfd, see loadgen_epoll_linux.go)")

// loadGeneratorAvailable says why bench cannot load a server here.
func loadGeneratorAvailable() error { return errNoLoadGenerator }

func runLoad(context.Context, string, [][]byte, time.Duration) ([]sample, time.Time, int, error) {
	return nil, time.Time{}, 0, errNoLoadGenerator
}
