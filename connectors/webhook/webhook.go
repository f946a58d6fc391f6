// Package webhook delivers signed webhook messages (Standard Webhooks: the
// webhook-id, webhook-timestamp and webhook-signature headers, HMAC-SHA256 of
// "id.timestamp.body" with the endpoint's secret) and refuses to reach private,
// loopback and link-local addresses unless told otherwise: an endpoint staff
// type in must not become a way into the town hall's network.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/go-resty/resty/v2"

	"quartier/core"
)

// ErrPrivateAddress is a delivery refused because the host resolves to a
// private, loopback or link-local address.
var ErrPrivateAddress = errors.New("the endpoint's address is private, loopback or link-local")

// Sender delivers webhooks.
type Sender struct {
	http *resty.Client
}

// New makes a sender; allowPrivate lets it reach private addresses (an
// intranet receiver, tests).
func New(timeout time.Duration, allowPrivate bool) *Sender {
	dialer := &net.Dialer{Timeout: timeout, Control: func(network, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip := net.ParseIP(host)
		if !allowPrivate && (ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
			ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast()) {
			return ErrPrivateAddress
		}
		return nil
	}}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil // the check must see the real destination
	transport.DialContext = dialer.DialContext
	h := resty.New().SetTransport(transport).SetTimeout(timeout).SetRetryCount(0).
		SetRedirectPolicy(resty.NoRedirectPolicy()).SetHeader("User-Agent", "Quartier-Webhooks/1")
	return &Sender{http: h}
}

// SecretText is the secret as receivers configure it: "whsec_" and base64.
func SecretText(secret []byte) string { return "whsec_" + base64.StdEncoding.EncodeToString(secret) }

// Signature is the webhook-signature header's value.
func Signature(secret []byte, msgID string, at time.Time, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	fmt.Fprintf(mac, "%s.%d.", msgID, at.Unix())
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Deliver posts one message. A 2xx answer is a delivery; 410 Gone is
// permanent (the endpoint is to be disabled); 429 carries the wait; anything
// else is worth retrying.
func (s *Sender) Deliver(ctx context.Context, url string, secret []byte, msgID string, at time.Time, body []byte) error {
	res, err := s.http.R().SetContext(ctx).
		SetHeader("Content-Type", "application/json").
		SetHeader("webhook-id", msgID).
		SetHeader("webhook-timestamp", strconv.FormatInt(at.Unix(), 10)).
		SetHeader("webhook-signature", Signature(secret, msgID, at, body)).
		SetBody(body).Post(url)
	if err != nil {
		if errors.Is(err, ErrPrivateAddress) {
			return &core.RemoteError{Message: ErrPrivateAddress.Error(), Permanent: true}
		}
		return &core.RemoteError{Message: err.Error()}
	}
	if res.StatusCode() >= 200 && res.StatusCode() < 300 {
		return nil
	}
	re := &core.RemoteError{Status: res.StatusCode(), Message: http.StatusText(res.StatusCode())}
	switch res.StatusCode() {
	case http.StatusGone:
		re.Permanent = true
	case http.StatusTooManyRequests:
		if s, err := strconv.Atoi(res.Header().Get("Retry-After")); err == nil {
			re.RetryAfter = time.Duration(s) * time.Second
		}
	}
	return re
}
