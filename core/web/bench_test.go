package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"quartier/core"
)

// BenchmarkHomePage renders the home page in-process, anonymous and signed in (the
// latter reads the session from PostgreSQL on every request).
func BenchmarkHomePage(b *testing.B) {
	a := newApp(b, nil)
	a.account("lea@example.lu", core.RoleCitizen)
	br := a.browser()
	br.login("lea@example.lu")
	cookies := br.c.Jar.Cookies(mustRequest("GET", a.srv.URL).URL)
	for _, signedIn := range []bool{false, true} {
		name := "anonymous"
		if signedIn {
			name = "signed_in"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				if signedIn {
					for _, c := range cookies {
						req.AddCookie(c)
					}
				}
				rec := httptest.NewRecorder()
				a.web.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}
