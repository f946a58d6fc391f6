//go:build linux

package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The generator keeps sending while the server stalls (open loop), counts
// each latency from the scheduled time, writes requests whole, reads answers
// with a length or in chunks, reuses its connections, and redials when the
// server closes one.
func TestOpenLoopKeepsSendingAndCountsFromTheSchedule(t *testing.T) {
	var first sync.Once
	var start time.Time // when the first request arrived (the generator builds them all before it sends)
	var conns, served atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		first.Do(func() { start = time.Now() })
		if d := 100*time.Millisecond - time.Since(start); d > 0 {
			time.Sleep(d) // the first 100 ms: nothing answers
		}
		if body, _ := io.ReadAll(r.Body); string(body) != "csrf_token=abc" || r.Header.Get("Cookie") != "s=1" {
			w.WriteHeader(http.StatusBadRequest) // the request was not written whole
			return
		}
		n := served.Add(1)
		if n%50 == 0 {
			w.Header().Set("Connection", "close")
		}
		w.WriteHeader(http.StatusAccepted)
		if n%7 == 0 { // a long page, sent in chunks
			for range 10 {
				w.Write([]byte(strings.Repeat("x", 1000)))
				w.(http.Flusher).Flush()
			}
			return
		}
		w.Write([]byte("ok"))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	res, err := openLoop(context.Background(), 1000, 300*time.Millisecond, func(int) *http.Request {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/x", strings.NewReader("csrf_token=abc"))
		req.Header.Set("Cookie", "s=1")
		return req
	})
	if err != nil {
		t.Fatal(err)
	}
	ok := func(s int) bool { return s == http.StatusAccepted }
	if res.sent != 300 || res.count(ok) != 300 {
		t.Fatalf("sent %d, answered %v", res.sent, res.statuses)
	}
	// Requests scheduled in the first 100 ms waited for the stall to end:
	// the first one about 100 ms, from its scheduled time.
	if first := res.percentile(1, ok); first < 90*time.Millisecond {
		t.Fatalf("longest latency %v: the stall does not show", first)
	}
	if median := res.percentile(0.5, ok); median > 50*time.Millisecond {
		t.Fatalf("median %v: requests after the stall should be quick", median)
	}
	// About 100 connections opened during the stall, then reused; each
	// "Connection: close" costs one more.
	if n := conns.Load(); n > 150 {
		t.Fatalf("%d connections for 300 requests", n)
	}
}

// A connection the server drops without an answer fails its request (status
// 0) and the next request gets a fresh connection: the run neither hangs nor
// loses count.
func TestOpenLoopCountsDroppedConnectionsAsFailed(t *testing.T) {
	var served atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if served.Add(1)%10 == 0 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close() // no answer at all
			}
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	res, err := openLoop(context.Background(), 500, 200*time.Millisecond, func(int) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
		return req
	})
	if err != nil {
		t.Fatal(err)
	}
	ok := res.count(func(s int) bool { return s == http.StatusOK })
	failed := res.count(func(s int) bool { return s == 0 })
	if res.sent != 100 || ok+failed != 100 || failed != 10 {
		t.Fatalf("sent %d: %d answered, %d failed (want 90 and 10): %v", res.sent, ok, failed, res.statuses)
	}
}

// A run that cannot start says why, rather than counting every request failed.
func TestOpenLoopSaysWhyItCannotStart(t *testing.T) {
	_, err := openLoop(context.Background(), 100, 50*time.Millisecond, func(int) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:99999/", nil)
		return req
	})
	if err == nil || !strings.Contains(err.Error(), "load generator") {
		t.Fatalf("err = %v, want the generator's reason", err)
	}
}
