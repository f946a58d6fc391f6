package mail_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"quartier/core"
	"quartier/core/mail"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func startCatcher(t *testing.T) *mail.Catcher {
	t.Helper()
	c, err := mail.StartCatcher("127.0.0.1:0", 10, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func senderTo(t *testing.T, c *mail.Catcher) *mail.Sender {
	t.Helper()
	s, err := mail.NewSender(mail.SMTPConfig{Host: "127.0.0.1", Port: c.Addr().Port, TLS: mail.TLSNone,
		From: "Quartier <no-reply@commune.lu>", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A message survives SMTP intact: UTF-8 subject, accents in the body, a line that
// starts with a dot (dot-stuffing) and a long line (quoted-printable soft breaks).
func TestSendOverSMTPRoundTrip(t *testing.T) {
	c := startCatcher(t)
	long := strings.Repeat("Bienvenue à Esch-sur-Alzette ", 10)
	body := "Bonjour Léa,\n.une ligne avec un point\n" + long + "\nFin."
	err := senderTo(t, c).Send(context.Background(), core.Mail{To: "lea@example.lu", Subject: "Confirmez votre adresse – Quartier", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := c.Wait(ctx, func(m mail.Caught) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if got.From != "no-reply@commune.lu" || len(got.To) != 1 || got.To[0] != "lea@example.lu" {
		t.Errorf("envelope from %q to %v", got.From, got.To)
	}
	if got.Subject != "Confirmez votre adresse – Quartier" {
		t.Errorf("subject %q", got.Subject)
	}
	// SMTP content always ends with a line break (RFC 5321 4.1.1.4).
	if got.Body != body+"\n" {
		t.Errorf("body changed in transit:\n got %q\nwant %q", got.Body, body)
	}
}

func TestSendFailsClearlyWhenServerIsDown(t *testing.T) {
	c := startCatcher(t)
	s := senderTo(t, c)
	c.Close()
	err := s.Send(context.Background(), core.Mail{To: "a@b.lu", Subject: "x", Body: "y"})
	if err == nil || !strings.Contains(err.Error(), "connect") {
		t.Fatalf("err = %v, want a connect error", err)
	}
}

func TestNewSenderValidates(t *testing.T) {
	for _, cfg := range []mail.SMTPConfig{
		{Host: "", Port: 25, TLS: mail.TLSNone, From: "a@b.lu"},
		{Host: "h", Port: 70000, TLS: mail.TLSNone, From: "a@b.lu"},
		{Host: "h", Port: 25, TLS: "ssl", From: "a@b.lu"},
		{Host: "h", Port: 25, TLS: mail.TLSNone, From: "not an address"},
	} {
		if _, err := mail.NewSender(cfg); err == nil {
			t.Errorf("NewSender(%+v) accepted", cfg)
		}
	}
}
