package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// runLoad sends wire[i] at start + i×interval on keep-alive connections and
// reads the answers, like wrk2: one thread, one epoll set, non-blocking
// sockets, a timerfd for the schedule. Through Go's network poller (a
// goroutine per connection, a second thread woken for every readied
// goroutine, 2.5 task switches per request) the generator took a third more
// CPU from the machine it shares with the server it measures (0.49 against
// 0.36 of a core at 12,000/s); this loop does one write and one read per
// request and sleeps in epoll_wait, which hands it every ready socket and
// tick at once.
//
// Connections: as many as 20 ms of requests are opened before the clock
// starts; one more whenever a request finds every connection busy, up to
// loadConns; beyond that the request waits for the next free one (its wait
// counts in its latency, as "late"). A connection the server closes, or
// that fails, is dropped; the next request opens another.
//
// Each answer's kernel receive time stamp (SO_TIMESTAMPNS) is kept beside
// the time the loop read it. A request without an answer 30 s after the last
// send, or when ctx ends, counts as failed (status 0).
func runLoad(ctx context.Context, host string, wire [][]byte, interval time.Duration) (samples []sample, start time.Time, sent int, err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	addr, err := sockaddrOf(host)
	if err != nil {
		return nil, time.Time{}, 0, err
	}
	l, err := newEpollLoad(addr, wire)
	if err != nil {
		return nil, time.Time{}, 0, err
	}
	defer l.close()
	for range preopened(int(time.Second / interval)) {
		l.dial(-1)
	}
	l.waitConnected(2 * time.Second)
	if err := l.startClock(interval); err != nil {
		return nil, time.Time{}, 0, err
	}
	l.run(ctx)
	return l.samples, l.start, l.sent, nil
}

// epollLoad is runLoad's state.
type epollLoad struct {
	addr     unix.Sockaddr
	wire     [][]byte
	samples  []sample
	epfd     int
	timer    int
	start    time.Time
	interval time.Duration
	sent     int                // requests due so far (sent, or waiting for a connection)
	conns    map[int]*epollConn // by descriptor
	idle     []*epollConn       // connected, nothing in flight
	backlog  []int              // due requests that found every connection busy
	inFlight int                // requests written or being written, not yet answered
	events   [256]unix.EpollEvent
	oob      [64]byte
	buf      [64 << 10]byte
}

// epollConn is one connection of runLoad.
type epollConn struct {
	fd         int
	connecting bool
	wantOut    bool      // EPOLLOUT is asked for: a write is waiting for room
	job        int       // the request in flight; -1 when idle
	out        []byte    // what is left to write of it
	in         []byte    // what has arrived of its answer
	arrived    time.Time // the kernel's time stamp of the last bytes read
	dialled    bool      // opened for the request in flight
	answer     partialAnswer
	r          *bufio.Reader
}

func newEpollLoad(addr unix.Sockaddr, wire [][]byte) (*epollLoad, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll: %w", err)
	}
	return &epollLoad{addr: addr, wire: wire, samples: make([]sample, len(wire)), epfd: epfd, timer: -1, conns: map[int]*epollConn{}}, nil
}

func sockaddrOf(host string) (unix.Sockaddr, error) {
	a, err := net.ResolveTCPAddr("tcp", host)
	if err != nil {
		return nil, err
	}
	if ip4 := a.IP.To4(); ip4 != nil {
		sa := &unix.SockaddrInet4{Port: a.Port}
		copy(sa.Addr[:], ip4)
		return sa, nil
	}
	sa := &unix.SockaddrInet6{Port: a.Port}
	copy(sa.Addr[:], a.IP.To16())
	return sa, nil
}

// dial opens a connection for request job (-1: an idle one), without
// waiting for it to connect.
func (l *epollLoad) dial(job int) {
	family := unix.AF_INET
	if _, ok := l.addr.(*unix.SockaddrInet6); ok {
		family = unix.AF_INET6
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		l.fail(job)
		return
	}
	_ = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)
	if err := unix.Connect(fd, l.addr); err != nil && !errors.Is(err, unix.EINPROGRESS) {
		unix.Close(fd)
		l.fail(job)
		return
	}
	c := &epollConn{fd: fd, connecting: true, wantOut: true, job: -1} // EPOLLOUT tells when it has connected
	c.r = bufio.NewReaderSize(&c.answer, 16<<10)
	if err := unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP, Fd: int32(fd)}); err != nil {
		unix.Close(fd)
		l.fail(job)
		return
	}
	l.conns[fd] = c
	if job >= 0 {
		c.job, c.out, c.dialled = job, l.wire[job], true
		l.inFlight++
	}
}

// waitConnected lets the connections opened before the clock connect.
func (l *epollLoad) waitConnected(limit time.Duration) {
	deadline := time.Now().Add(limit)
	for l.connecting() > 0 && time.Now().Before(deadline) {
		l.poll(10)
	}
}

func (l *epollLoad) connecting() int {
	n := 0
	for _, c := range l.conns {
		if c.connecting {
			n++
		}
	}
	return n
}

// tickAtMost is the shortest time between two ticks of the clock. At high
// rates a tick per request would wake the loop tens of thousands of times a
// second; instead every wake (a tick, or an answer arriving, which under load
// is most of them) sends what has fallen due, and a request waits at most
// this long for it. The wait counts in its latency, as the generator's own
// delay.
const tickAtMost = 100 * time.Microsecond

// startClock starts the schedule: request k falls due k intervals after
// now; the timerfd ticks every interval, or every tickAtMost if that is longer.
func (l *epollLoad) startClock(interval time.Duration) error {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return fmt.Errorf("timerfd: %w", err)
	}
	l.timer, l.interval, l.start = fd, interval, time.Now()
	every := unix.NsecToTimespec(int64(max(interval, tickAtMost)))
	if err := unix.TimerfdSettime(fd, 0, &unix.ItimerSpec{Interval: every, Value: every}, nil); err != nil {
		return fmt.Errorf("timerfd: %w", err)
	}
	return unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)})
}

// run sends and reads until every request is answered, ctx ends, or 30 s
// have passed since the last send.
func (l *epollLoad) run(ctx context.Context) {
	var lastSend time.Time
	for ctx.Err() == nil {
		if l.sent == len(l.wire) {
			if l.inFlight == 0 && len(l.backlog) == 0 {
				return
			}
			if lastSend.IsZero() {
				lastSend = time.Now()
				unix.Close(l.timer) // closing removes it from the epoll set
				l.timer = -1
			}
			if time.Since(lastSend) > 30*time.Second {
				return // the rest count as failed
			}
		}
		l.poll(100)
	}
}

// poll waits up to ms for ticks and sockets, and handles what is ready.
func (l *epollLoad) poll(ms int) {
	n, err := unix.EpollWait(l.epfd, l.events[:], ms)
	if err != nil {
		return // EINTR: try again
	}
	for _, ev := range l.events[:n] {
		fd := int(ev.Fd)
		if fd == l.timer {
			var expirations [8]byte
			_, _ = unix.Read(l.timer, expirations[:])
			continue
		}
		c := l.conns[fd]
		if c == nil {
			continue
		}
		if c.connecting && ev.Events&(unix.EPOLLOUT|unix.EPOLLERR|unix.EPOLLHUP) != 0 {
			l.connected(c)
			continue
		}
		if ev.Events&unix.EPOLLOUT != 0 && len(c.out) > 0 {
			l.write(c)
		}
		if ev.Events&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLERR|unix.EPOLLHUP) != 0 && l.conns[fd] == c {
			l.read(c)
		}
	}
	if l.timer >= 0 {
		l.dispatchDue()
	}
}

// dispatchDue hands every request now due to a connection.
func (l *epollLoad) dispatchDue() {
	now := time.Now()
	for l.sent < len(l.wire) && !l.start.Add(time.Duration(l.sent)*l.interval).After(now) {
		l.dispatch(l.sent)
		l.sent++
	}
}

func (l *epollLoad) scheduled(job int) time.Time {
	return l.start.Add(time.Duration(job) * l.interval)
}

// dispatch gives request job to an idle connection, a new one, or the
// backlog.
func (l *epollLoad) dispatch(job int) {
	if n := len(l.idle); n > 0 {
		c := l.idle[n-1]
		l.idle = l.idle[:n-1]
		l.send(c, job)
		return
	}
	if len(l.conns) < loadConns {
		l.samples[job].late = time.Since(l.scheduled(job))
		l.dial(job)
		return
	}
	l.backlog = append(l.backlog, job)
}

func (l *epollLoad) send(c *epollConn, job int) {
	l.samples[job].late = time.Since(l.scheduled(job))
	c.job, c.out, c.dialled = job, l.wire[job], false
	l.inFlight++
	l.write(c)
}

// connected finishes a connect: the request waiting for it is written, or
// the connection joins the idle ones.
func (l *epollLoad) connected(c *epollConn) {
	if soerr, err := unix.GetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_ERROR); err != nil || soerr != 0 {
		l.drop(c)
		return
	}
	c.connecting = false
	l.wantOut(c, false)
	if c.job >= 0 {
		l.write(c)
		return
	}
	l.release(c)
}

// write writes what is left of the request in flight; what the socket does
// not take now waits for EPOLLOUT.
func (l *epollLoad) write(c *epollConn) {
	for len(c.out) > 0 {
		n, err := unix.Write(c.fd, c.out)
		if errors.Is(err, unix.EAGAIN) {
			l.wantOut(c, true)
			return
		}
		if err != nil {
			l.drop(c)
			return
		}
		c.out = c.out[n:]
	}
	l.wantOut(c, false)
}

// wantOut asks epoll for room to write on c, or stops asking; it costs a
// system call only when that changes (a request fits the socket's buffer
// nearly always).
func (l *epollLoad) wantOut(c *epollConn, want bool) {
	if c.wantOut == want {
		return
	}
	c.wantOut = want
	events := uint32(unix.EPOLLIN | unix.EPOLLRDHUP)
	if want {
		events |= unix.EPOLLOUT
	}
	_ = unix.EpollCtl(l.epfd, unix.EPOLL_CTL_MOD, c.fd, &unix.EpollEvent{Events: events, Fd: int32(c.fd)})
}

// read takes what arrived and, once the answer is whole, records it.
func (l *epollLoad) read(c *epollConn) {
	closed := false
	for {
		n, arrived, err := recvStamped(c.fd, l.buf[:], l.oob[:])
		if errors.Is(err, unix.EAGAIN) {
			break
		}
		if err != nil || n == 0 {
			closed = true
			break
		}
		c.in = append(c.in, l.buf[:n]...)
		if !arrived.IsZero() {
			c.arrived = arrived
		}
	}
	if c.job < 0 { // nothing asked: the server closed an idle connection, or sent what nobody asked for
		c.in = c.in[:0]
		if closed {
			l.drop(c)
		}
		return
	}
	c.answer.reset(c.in, closed)
	c.r.Reset(&c.answer)
	status, keepAlive, err := readAnswer(c.r)
	if errors.Is(err, errIncomplete) && !closed {
		return // the rest is on its way
	}
	if err != nil {
		l.drop(c)
		return
	}
	now := time.Now()
	at := l.scheduled(c.job)
	s := &l.samples[c.job]
	s.status, s.latency, s.dialled = status, now.Sub(at), c.dialled
	s.arrived, s.stamped = s.latency, !c.arrived.IsZero()
	if s.stamped {
		s.arrived = c.arrived.Sub(at)
	}
	c.job, c.in, c.arrived = -1, c.in[:0], time.Time{}
	l.inFlight--
	if !keepAlive || closed {
		l.drop(c)
		return
	}
	l.release(c)
}

// release makes c idle, or gives it the oldest request waiting.
func (l *epollLoad) release(c *epollConn) {
	if len(l.backlog) > 0 {
		job := l.backlog[0]
		l.backlog = l.backlog[1:]
		l.send(c, job)
		return
	}
	l.idle = append(l.idle, c)
}

// drop closes c; its request in flight, if any, failed.
func (l *epollLoad) drop(c *epollConn) {
	if c.job >= 0 {
		l.fail(c.job)
		l.inFlight--
		c.job = -1
	}
	delete(l.conns, c.fd)
	for i, d := range l.idle {
		if d == c {
			l.idle = append(l.idle[:i], l.idle[i+1:]...)
			break
		}
	}
	unix.Close(c.fd) // closing removes it from the epoll set
	if len(l.backlog) > 0 && len(l.conns) < loadConns {
		job := l.backlog[0]
		l.backlog = l.backlog[1:]
		l.samples[job].late = time.Since(l.scheduled(job))
		l.dial(job)
	}
}

// fail records request job as failed (status 0) at this moment.
func (l *epollLoad) fail(job int) {
	if job < 0 {
		return
	}
	s := &l.samples[job]
	s.status, s.latency = 0, time.Since(l.scheduled(job))
	s.arrived = s.latency
}

func (l *epollLoad) close() {
	for _, c := range l.conns {
		unix.Close(c.fd)
	}
	if l.timer >= 0 {
		unix.Close(l.timer)
	}
	unix.Close(l.epfd)
}

// recvStamped reads from a non-blocking socket and returns, with what it
// read, the kernel's receive time stamp of it (SO_TIMESTAMPNS; zero when
// there is none: the kernel turns stamping on lazily). On loopback the
// segment is stamped when the server's write hands it over.
func recvStamped(fd int, buf, oob []byte) (int, time.Time, error) {
	n, oobn, _, _, err := unix.Recvmsg(fd, buf, oob, 0)
	if err != nil {
		return 0, time.Time{}, err
	}
	return n, parseArrival(oob[:oobn]), nil
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

// errIncomplete is what partialAnswer says at the end of what has arrived
// while the connection is still open: the answer is not whole yet.
var errIncomplete = errors.New("answer incomplete")

// partialAnswer reads the bytes of an answer that have arrived so far; at
// their end it says io.EOF if the server closed the connection, otherwise
// errIncomplete.
type partialAnswer struct {
	data   []byte
	closed bool
}

func (p *partialAnswer) reset(data []byte, closed bool) { p.data, p.closed = data, closed }

func (p *partialAnswer) Read(b []byte) (int, error) {
	if len(p.data) == 0 {
		if p.closed {
			return 0, io.EOF
		}
		return 0, errIncomplete
	}
	n := copy(b, p.data)
	p.data = p.data[n:]
	return n, nil
}
