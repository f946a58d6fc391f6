package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// csrfTTL is how long a form stays valid after it was shown.
const csrfTTL = 12 * time.Hour

// csrfSigner makes and checks CSRF tokens. The browser holds a random, HttpOnly
// cookie; each form carries "issued-at.HMAC(key, cookie|issued-at)". A forged form
// from another site has neither the cookie's value nor the key, and an old form
// expires. SameSite=Lax cookies are a second line of defence.
type csrfSigner struct {
	key  []byte
	macs sync.Pool // of *csrfMAC: checking a form on every write allocated an HMAC each time
}

// csrfMAC is an HMAC under the signer's key with room for its input and output.
type csrfMAC struct {
	mac      hash.Hash
	in       []byte
	checksum [sha256.Size]byte
}

func newCSRFSigner(secret []byte) *csrfSigner {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("quartier csrf v1"))
	cs := &csrfSigner{key: mac.Sum(nil)}
	cs.macs.New = func() any { return &csrfMAC{mac: hmac.New(sha256.New, cs.key)} }
	return cs
}

// appendMAC appends to dst the base64 HMAC of cookie|issued.
func (cs *csrfSigner) appendMAC(dst []byte, cookie string, issued int64) []byte {
	m := cs.macs.Get().(*csrfMAC)
	defer cs.macs.Put(m)
	m.mac.Reset()
	m.in = strconv.AppendInt(append(append(m.in[:0], cookie...), '|'), issued, 10)
	m.mac.Write(m.in)
	return base64.RawURLEncoding.AppendEncode(dst, m.mac.Sum(m.checksum[:0]))
}

func (cs *csrfSigner) sign(cookie string, issued int64) string {
	return string(cs.appendMAC(append(strconv.AppendInt(nil, issued, 10), '.'), cookie, issued))
}

// check returns nil, or the error to show: expired or invalid.
func (cs *csrfSigner) check(cookie, token string, now time.Time) error {
	issuedStr, mac, ok := strings.Cut(token, ".")
	issued, err := strconv.ParseInt(issuedStr, 10, 64)
	if !ok || err != nil || cookie == "" {
		return core.Forbidden("error.csrf_invalid")
	}
	var buf [64]byte
	if want := cs.appendMAC(buf[:0], cookie, issued); !sameInConstantTime(want, mac) {
		return core.Forbidden("error.csrf_invalid")
	}
	if now.Sub(time.Unix(issued, 0)) > csrfTTL {
		return core.Forbidden("error.csrf_expired")
	}
	return nil
}

// sameInConstantTime reports whether a and b hold the same bytes, in a time
// that does not depend on where they differ (their lengths are no secret).
func sameInConstantTime(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var diff byte
	for i := range a {
		diff |= a[i] ^ b[i]
	}
	return diff == 0
}

// sign is an HMAC of payload under the installation's key, for one purpose
// (a link that unsubscribes, a login in progress): a value signed for one
// purpose is worthless for another.
func (s *Server) sign(purpose, payload string) string {
	mac := hmac.New(sha256.New, s.csrf.key)
	mac.Write([]byte(purpose + "\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// signedBy reports, in constant time, whether sig is sign(purpose, payload).
func (s *Server) signedBy(purpose, payload, sig string) bool {
	return hmac.Equal([]byte(s.sign(purpose, payload)), []byte(sig))
}

// csrfToken returns a token for the visitor's forms, setting the cookie on first use.
func (s *Server) csrfToken(c *gin.Context) string {
	cookie, err := c.Cookie(cookieCSRF)
	if err != nil || len(cookie) < 32 {
		if v, ok := c.Get(cookieCSRF); ok {
			cookie = v.(string)
		} else {
			cookie, _ = core.NewToken()
			c.Set(cookieCSRF, cookie)
			s.setCookie(c, cookieCSRF, cookie, 365*24*time.Hour)
		}
	}
	return s.csrf.sign(cookie, s.now().Unix())
}

// csrfProtect rejects state-changing requests whose CSRF token does not match.
func (s *Server) csrfProtect(c *gin.Context) {
	if err := s.checkCSRF(c); err != nil {
		s.fail(c, err)
		return
	}
	c.Next()
}

// checkCSRF checks the X-CSRF-Token header, or the csrf_token form field, of a
// state-changing request.
func (s *Server) checkCSRF(c *gin.Context) error {
	switch c.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	cookie, _ := c.Cookie(cookieCSRF)
	token := c.GetHeader("X-CSRF-Token")
	if token == "" {
		token = c.PostForm("csrf_token")
	}
	return s.csrf.check(cookie, token, s.now())
}
