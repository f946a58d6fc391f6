package main

import (
	"errors"
	"io"
	"net"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// arrivalReader reads a TCP connection and keeps the time its kernel received
// the last bytes read (SO_TIMESTAMPNS: the time stamp of the last segment
// each recvmsg returns). With it openLoop tells when an answer reached the
// client's machine apart from when its own goroutine, waiting for one of the
// cores it shares with the server and PostgreSQL, got round to reading it: a
// client on a machine of its own would read it at once. On loopback the
// segment is stamped when the server's write passes it to the receiving
// socket.
type arrivalReader struct {
	raw     syscall.RawConn
	oob     [64]byte
	arrived time.Time // zero when the kernel gave no time stamp
}

// newArrivalReader asks the kernel to stamp conn's segments; it returns nil
// when conn is not TCP or the kernel refuses.
func newArrivalReader(conn net.Conn) *arrivalReader {
	tcp, ok := conn.(*net.TCPConn)
	if !ok {
		return nil
	}
	raw, err := tcp.SyscallConn()
	if err != nil {
		return nil
	}
	var serr error
	if err := raw.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)
	}); err != nil || serr != nil {
		return nil
	}
	return &arrivalReader{raw: raw}
}

// Read reads like conn.Read (through Go's network poller, keeping conn's
// deadlines) and records the arrival time stamp of what it read.
func (a *arrivalReader) Read(p []byte) (int, error) {
	var n, oobn int
	var rerr error
	err := a.raw.Read(func(fd uintptr) bool {
		n, oobn, _, _, rerr = unix.Recvmsg(int(fd), p, a.oob[:], 0)
		return !errors.Is(rerr, unix.EAGAIN)
	})
	switch {
	case err != nil:
		return 0, err
	case rerr != nil:
		return 0, rerr
	case n == 0 && len(p) > 0:
		return 0, io.EOF
	}
	a.arrived = parseArrival(a.oob[:oobn])
	return n, nil
}

// parseArrival finds the SCM_TIMESTAMPNS message among socket control
// messages; zero when there is none.
func parseArrival(oob []byte) time.Time {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return time.Time{}
	}
	for _, m := range msgs {
		if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SCM_TIMESTAMPNS && len(m.Data) >= int(unsafe.Sizeof(unix.Timespec{})) {
			ts := (*unix.Timespec)(unsafe.Pointer(&m.Data[0]))
			return time.Unix(ts.Unix())
		}
	}
	return time.Time{}
}
