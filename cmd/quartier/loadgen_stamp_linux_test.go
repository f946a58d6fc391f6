package main

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The kernel's time stamp says when an answer arrived, not when the
// generator got round to reading it.
func TestArrivalReaderKeepsWhenTheAnswerArrived(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	stamp := newArrivalReader(conn)
	if stamp == nil {
		t.Fatal("the kernel does not stamp this TCP connection's arrivals")
	}
	r := bufio.NewReader(stamp)
	exchange := func(busy time.Duration) (sent, read time.Time) {
		sent = time.Now()
		if _, err := conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(busy) // the generator busy elsewhere
		status, keepAlive, err := readAnswer(r)
		if err != nil || status != 200 || !keepAlive {
			t.Fatalf("answer: %d %v %v", status, keepAlive, err)
		}
		return sent, time.Now()
	}
	// The kernel turns time stamps on lazily (a moment after the first
	// socket asks): exchange until it stamps.
	for i := 0; stamp.arrived.IsZero(); i++ {
		if i == 100 {
			t.Fatal("no answer stamped in 100 exchanges")
		}
		exchange(5 * time.Millisecond)
	}
	for range 2 { // each answer has its own stamp
		sent, read := exchange(80 * time.Millisecond)
		if arrived := stamp.arrived; arrived.Before(sent) || read.Sub(arrived) < 60*time.Millisecond {
			t.Fatalf("sent %v, arrived %v, read %v: the stamp is not the arrival", sent, arrived, read)
		}
	}
}
