// Package mail delivers e-mail over SMTP, runs the outbox that retries deliveries,
// and provides Catcher, a small SMTP receiver that keeps what it receives (the
// development mailbox at /dev/mail, and the receiver tests read messages back from).
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"quartier/core"
)

// TLS modes for the SMTP connection.
const (
	TLSNone     = "none"     // plain connection (local relays and catchers only)
	TLSStartTLS = "starttls" // upgrade with STARTTLS, required (port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
)

// SMTPConfig says how to reach the SMTP server.
type SMTPConfig struct {
	Host     string
	Port     int
	TLS      string // TLSNone, TLSStartTLS or TLSImplicit
	Username string // empty: no authentication
	Password string
	From     string        // "Quartier <no-reply@example.lu>"
	Timeout  time.Duration // for the whole exchange; 0 means 30 s
}

// Sender delivers one message per SMTP connection.
type Sender struct {
	cfg SMTPConfig
}

// NewSender checks cfg and returns a Sender.
func NewSender(cfg SMTPConfig) (*Sender, error) {
	if cfg.Host == "" || cfg.Port <= 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("smtp: host and port (1-65535) are required")
	}
	switch cfg.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return nil, fmt.Errorf("smtp: tls must be none, starttls or tls, not %q", cfg.TLS)
	}
	if _, err := parseFrom(cfg.From); err != nil {
		return nil, fmt.Errorf("smtp: from: %w", err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Sender{cfg: cfg}, nil
}

// Send delivers m. It returns when the server accepted the message or failed.
func (s *Sender) Send(ctx context.Context, m core.Mail) error {
	from, err := parseFrom(s.cfg.From)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	var conn net.Conn
	if s.cfg.TLS == TLSImplicit {
		d := tls.Dialer{Config: &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}}
		conn, err = d.DialContext(ctx, "tcp", addr)
	} else {
		var d net.Dialer
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("smtp: connect to %s: %w", addr, err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: greeting from %s: %w", addr, err)
	}
	defer c.Close()
	if err := c.Hello(heloName); err != nil {
		return fmt.Errorf("smtp: hello: %w", err)
	}
	if s.cfg.TLS == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fmt.Errorf("smtp: %s does not offer STARTTLS", addr)
		}
		if err := c.StartTLS(&tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("smtp: starttls: %w", err)
		}
	}
	if s.cfg.Username != "" {
		// net/smtp's PlainAuth refuses to send credentials over an unencrypted
		// connection except to localhost.
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)); err != nil {
			return fmt.Errorf("smtp: authenticate: %w", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("smtp: mail from: %w", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return fmt.Errorf("smtp: rcpt to: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: data: %w", err)
	}
	if _, err := w.Write(Compose(s.cfg.From, m, time.Now())); err != nil {
		return fmt.Errorf("smtp: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp: message refused: %w", err)
	}
	return c.Quit()
}

// Compose renders m as an RFC 5322 message: UTF-8 text, quoted-printable body,
// encoded subject, CRLF line ends.
func Compose(from string, m core.Mail, now time.Time) []byte {
	var b bytes.Buffer
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	domain := "quartier.localhost"
	if addr, err := parseFrom(from); err == nil {
		domain = addr[strings.LastIndexByte(addr, '@')+1:]
	}
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from)
	header("To", m.To)
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", now.UTC().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	if m.Unsubscribe != "" {
		header("List-Unsubscribe", "<"+m.Unsubscribe+">")
		header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")
	_, _ = qp.Write([]byte(body))
	_ = qp.Close()
	return b.Bytes()
}

func parseFrom(from string) (string, error) {
	a, err := netmail.ParseAddress(from)
	if err != nil {
		return "", fmt.Errorf("%q is not an e-mail address: %w", from, err)
	}
	return a.Address, nil
}

// heloName is how Quartier introduces itself to SMTP servers.
const heloName = "quartier.localhost"
