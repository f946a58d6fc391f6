package mail

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"time"
)

// Caught is a message a Catcher received, decoded for reading.
type Caught struct {
	From       string // envelope sender
	To         []string
	Subject    string
	Body       string
	Header     netmail.Header // all header fields as received
	ReceivedAt time.Time
}

// Catcher is a minimal SMTP receiver (RFC 5321: HELO/EHLO, MAIL, RCPT, DATA, RSET,
// NOOP, QUIT) that keeps the last messages it received in memory. It accepts every
// recipient and delivers nothing further: a development mailbox and a test peer.
type Catcher struct {
	ln     net.Listener
	log    *slog.Logger
	keep   int
	mu     sync.Mutex
	msgs   []Caught
	notify chan struct{}
	wg     sync.WaitGroup
}

// maxMessageBytes bounds one message so that a runaway client cannot exhaust memory.
const maxMessageBytes = 10 << 20

// StartCatcher listens on addr ("127.0.0.1:0" picks a free port) and serves until
// Close. It keeps the last keep messages.
func StartCatcher(addr string, keep int, log *slog.Logger) (*Catcher, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mail catcher: listen on %s: %w", addr, err)
	}
	c := &Catcher{ln: ln, log: log, keep: keep, notify: make(chan struct{})}
	c.wg.Add(1)
	go c.serve()
	return c, nil
}

// Addr returns the address the catcher listens on.
func (c *Catcher) Addr() *net.TCPAddr { return c.ln.Addr().(*net.TCPAddr) }

// Close stops listening and waits for open sessions to end.
func (c *Catcher) Close() error {
	err := c.ln.Close()
	c.wg.Wait()
	return err
}

// Messages returns the kept messages, newest first.
func (c *Catcher) Messages() []Caught {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Caught, len(c.msgs))
	for i, m := range c.msgs {
		out[len(c.msgs)-1-i] = m
	}
	return out
}

// Wait returns the newest message for which match is true, waiting until one
// arrives or ctx ends.
func (c *Catcher) Wait(ctx context.Context, match func(Caught) bool) (Caught, error) {
	for {
		c.mu.Lock()
		ch := c.notify
		for i := len(c.msgs) - 1; i >= 0; i-- {
			if match(c.msgs[i]) {
				m := c.msgs[i]
				c.mu.Unlock()
				return m, nil
			}
		}
		c.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return Caught{}, fmt.Errorf("mail catcher: no matching message: %w", ctx.Err())
		}
	}
}

func (c *Catcher) serve() {
	defer c.wg.Done()
	for {
		conn, err := c.ln.Accept()
		if err != nil {
			return
		}
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			defer conn.Close()
			if err := c.session(conn); err != nil && !errors.Is(err, io.EOF) {
				c.log.Warn("mail catcher session failed", "err", err)
			}
		}()
	}
}

func (c *Catcher) session(conn net.Conn) error {
	_ = conn.SetDeadline(time.Now().Add(2 * time.Minute))
	r := bufio.NewReader(io.LimitReader(conn, maxMessageBytes+1<<16))
	w := bufio.NewWriter(conn)
	reply := func(s string) error {
		if _, err := w.WriteString(s + "\r\n"); err != nil {
			return err
		}
		return w.Flush()
	}
	if err := reply("220 quartier-catcher ESMTP ready"); err != nil {
		return err
	}
	var from string
	var to []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return err
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "HELO":
			err = reply("250 quartier-catcher")
		case "EHLO":
			err = reply("250-quartier-catcher\r\n250-8BITMIME\r\n250 SIZE " + fmt.Sprint(maxMessageBytes))
		case "MAIL":
			from, to = angle(arg), nil
			err = reply("250 2.1.0 OK")
		case "RCPT":
			if from == "" {
				err = reply("503 5.5.1 MAIL first")
				break
			}
			to = append(to, angle(arg))
			err = reply("250 2.1.5 OK")
		case "DATA":
			if len(to) == 0 {
				err = reply("503 5.5.1 RCPT first")
				break
			}
			if err = reply("354 End data with <CR><LF>.<CR><LF>"); err != nil {
				return err
			}
			raw, rerr := readData(r)
			if rerr != nil {
				return rerr
			}
			c.store(from, to, raw)
			from, to = "", nil
			err = reply("250 2.0.0 OK: queued")
		case "RSET":
			from, to = "", nil
			err = reply("250 2.0.0 OK")
		case "NOOP":
			err = reply("250 2.0.0 OK")
		case "QUIT":
			_ = reply("221 2.0.0 Bye")
			return nil
		default:
			err = reply("502 5.5.2 Command not recognized")
		}
		if err != nil {
			return err
		}
	}
}

// readData reads a DATA section up to the lone dot, undoing dot-stuffing.
func readData(r *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		trimmed := strings.TrimRight(line, "\r\n")
		if trimmed == "." {
			return b.String(), nil
		}
		if strings.HasPrefix(trimmed, "..") {
			trimmed = trimmed[1:]
		}
		if b.Len() > maxMessageBytes {
			return "", errors.New("message too large")
		}
		b.WriteString(trimmed + "\r\n")
	}
}

func (c *Catcher) store(from string, to []string, raw string) {
	m := Caught{From: from, To: to, ReceivedAt: time.Now()}
	msg, err := netmail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		m.Body = raw
	} else {
		m.Header = msg.Header
		dec := new(mime.WordDecoder)
		if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
			m.Subject = msg.Header.Get("Subject")
		}
		var body io.Reader = msg.Body
		if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		b, _ := io.ReadAll(body)
		m.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	c.mu.Lock()
	c.msgs = append(c.msgs, m)
	if len(c.msgs) > c.keep {
		c.msgs = c.msgs[len(c.msgs)-c.keep:]
	}
	close(c.notify)
	c.notify = make(chan struct{})
	c.mu.Unlock()
}

// angle extracts the address from "FROM:<a@b> SIZE=1" or "TO:<a@b>".
func angle(arg string) string {
	if i := strings.IndexByte(arg, '<'); i >= 0 {
		if j := strings.IndexByte(arg[i:], '>'); j > 0 {
			return arg[i+1 : i+j]
		}
	}
	_, v, _ := strings.Cut(arg, ":")
	return strings.TrimSpace(v)
}
