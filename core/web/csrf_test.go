package web

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// The signer's pooled HMACs give every caller its own answer, concurrently,
// and any change to a token makes it invalid.
func TestCSRFTokensCheckUnderConcurrencyAndTampering(t *testing.T) {
	cs := newCSRFSigner([]byte("a secret of the installation"))
	now := time.Now()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				cookie := fmt.Sprintf("cookie-%d-%d-0123456789abcdef0123456789", g, i)
				token := cs.sign(cookie, now.Unix())
				if err := cs.check(cookie, token, now); err != nil {
					t.Errorf("own token refused: %v", err)
					return
				}
				if cs.check(cookie+"x", token, now) == nil {
					t.Errorf("token accepted with another cookie")
					return
				}
			}
		})
	}
	wg.Wait()
	cookie := "cookie-0123456789abcdef0123456789abcdef"
	token := cs.sign(cookie, now.Unix())
	for i := range token {
		for _, c := range []byte{'A', '0', '.', '-'} {
			if token[i] == c {
				continue
			}
			forged := token[:i] + string(c) + token[i+1:]
			if cs.check(cookie, forged, now) == nil {
				t.Fatalf("%q accepted for %q", forged, token)
			}
		}
	}
	if cs.check(cookie, token[:len(token)-1], now) == nil || cs.check(cookie, token+"A", now) == nil {
		t.Fatal("a shortened or lengthened token was accepted")
	}
}
