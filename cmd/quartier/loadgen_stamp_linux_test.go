package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The kernel's time stamp says when an answer arrived, not when the
// generator got round to reading it.
func TestRecvStampedKeepsWhenTheAnswerArrived(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	addr, err := sockaddrOf(strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0) // blocking: the test waits in recvmsg
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
		t.Fatal(err)
	}
	if err := unix.Connect(fd, addr); err != nil {
		t.Fatal(err)
	}
	var buf [4096]byte
	var oob [64]byte
	exchange := func(busy time.Duration) (sent, arrived, read time.Time) {
		sent = time.Now()
		if _, err := unix.Write(fd, []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(busy) // the generator busy elsewhere
		n, arrived, err := recvStamped(fd, buf[:], oob[:])
		if err != nil || !strings.HasPrefix(string(buf[:n]), "HTTP/1.1 200") || !strings.HasSuffix(string(buf[:n]), "ok") {
			t.Fatalf("answer: %q %v", buf[:n], err)
		}
		return sent, arrived, time.Now()
	}
	// The kernel turns time stamps on lazily (a moment after the first
	// socket asks): exchange until it stamps.
	for i := 0; ; i++ {
		if i == 100 {
			t.Fatal("no answer stamped in 100 exchanges")
		}
		if _, arrived, _ := exchange(5 * time.Millisecond); !arrived.IsZero() {
			break
		}
	}
	for range 2 { // each answer has its own stamp
		sent, arrived, read := exchange(80 * time.Millisecond)
		if arrived.Before(sent) || read.Sub(arrived) < 60*time.Millisecond {
			t.Fatalf("sent %v, arrived %v, read %v: the stamp is not the arrival", sent, arrived, read)
		}
	}
}
