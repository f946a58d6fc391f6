package fake

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// The fake app is also an OpenID Connect provider ("log in with the app"):
// discovery, an authorization page where one picks the member, the
// authorization-code grant with PKCE (S256), and RS256 ID tokens carrying the
// member's neighbourhood in a "neighbourhood" claim.

// OIDCSecret is the client secret the fake expects from Quartier.
const OIDCSecret = "fake-oidc-secret"

type authCode struct {
	member, nonce, clientID, redirect, challenge string
	expires                                      time.Time
}

type oidcState struct {
	key   *rsa.PrivateKey
	codes map[string]authCode
	auto  string // member to sign in without the page (tests), "" for the page
}

func (s *Server) oidc() *oidcState {
	if s.idp == nil {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		s.idp = &oidcState{key: key, codes: map[string]authCode{}}
	}
	return s.idp
}

// SignInAs makes the authorization page sign in this member at once.
func (s *Server) SignInAs(memberID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oidc().auto = memberID
}

func issuer(r *http.Request) string { return "http://" + r.Host }

func (s *Server) discovery(w http.ResponseWriter, r *http.Request) {
	iss := issuer(r)
	writeJSON(w, http.StatusOK, map[string]any{"issuer": iss, "authorization_endpoint": iss + "/oauth/authorize",
		"token_endpoint": iss + "/oauth/token", "jwks_uri": iss + "/oauth/jwks", "response_types_supported": []string{"code"},
		"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported": []string{"S256"}, "scopes_supported": []string{"openid", "profile", "email"}})
}

func (s *Server) jwks(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	pub := &s.oidc().key.PublicKey
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: pub, KeyID: "fake-1", Algorithm: "RS256", Use: "sig"}}})
}

var signInPage = template.Must(template.New("signin").Parse(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Fake app: sign in</title></head>
<body><h1>Sign in to Quartier with the app</h1><form method="get" action="/oauth/authorize">
{{range $k, $v := .Query}}<input type="hidden" name="{{$k}}" value="{{index $v 0}}">{{end}}
{{range .Members}}<p><button name="member" value="{{.ID}}">{{.FirstName}} ({{.NeighbourhoodID}})</button></p>{{end}}</form></body></html>`))

// authorize checks the request, then signs in the chosen member and sends the
// browser back with a one-time code.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("response_type") != "code" || q.Get("client_id") != s.opts.ClientID || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		http.Error(w, "invalid_request: code flow with PKCE S256 and a known client_id only", http.StatusBadRequest)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Scheme == "" {
		http.Error(w, "invalid_request: redirect_uri", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	member := q.Get("member")
	if member == "" {
		member = s.oidc().auto
	}
	if _, ok := s.members[member]; !ok {
		members := make([]Member, 0, len(s.members))
		for _, m := range s.members {
			members = append(members, m)
		}
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = signInPage.Execute(w, map[string]any{"Query": q, "Members": members})
		return
	}
	code := randomID() + randomID()
	s.oidc().codes[code] = authCode{member: member, nonce: q.Get("nonce"), clientID: q.Get("client_id"), redirect: q.Get("redirect_uri"),
		challenge: q.Get("code_challenge"), expires: s.opts.Now().Add(time.Minute)}
	s.mu.Unlock()
	back := redirect.Query()
	back.Set("code", code)
	back.Set("state", q.Get("state"))
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// codeToken is the authorization-code grant: one use per code, the PKCE
// verifier must match, the client must authenticate.
func (s *Server) codeToken(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.opts.ClientID || secret != OIDCSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	s.mu.Lock()
	st := s.oidc()
	code, found := st.codes[r.PostForm.Get("code")]
	delete(st.codes, r.PostForm.Get("code"))
	member := s.members[code.member]
	key := st.key
	s.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case !found || s.opts.Now().After(code.expires) || code.redirect != r.PostForm.Get("redirect_uri"):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != code.challenge:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "PKCE verifier"})
		return
	}
	now := s.opts.Now()
	claims, _ := json.Marshal(map[string]any{"iss": issuer(r), "sub": member.ID, "aud": code.clientID, "iat": now.Unix(),
		"exp": now.Add(10 * time.Minute).Unix(), "nonce": code.nonce, "name": member.FirstName, "neighbourhood": member.NeighbourhoodID})
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "fake-1"))
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error"})
		return
	}
	obj, err := signer.Sign(claims)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error"})
		return
	}
	idToken, _ := obj.CompactSerialize()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"access_token": randomID(), "token_type": "Bearer", "expires_in": 600, "id_token": idToken})
}
