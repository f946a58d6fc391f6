// Package oidc signs residents in with an OpenID Connect provider: a
// neighbourhood app (whose neighbourhood claim makes them verified residents of
// it) or the state's login. One implementation serves every provider.
package oidc

import (
	"context"
	"errors"
	"fmt"
	"sync"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"quartier/core"
)

// Config is one provider.
type Config struct {
	Name         string // key in URLs and the database; a neighbourhood app's connector name
	Label        string // shown on the login button
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string // https://participer.example.lu/login/oidc/NAME/callback
	AreaClaim    string // the claim naming the member's neighbourhood, "" for none
}

// Provider is a configured provider; its discovery document is fetched on
// first use (and again after a failure).
type Provider struct {
	cfg Config

	mu       sync.Mutex
	op       *gooidc.Provider
	verifier *gooidc.IDTokenVerifier
	oauth    *oauth2.Config
}

// New makes a provider.
func New(cfg Config) *Provider { return &Provider{cfg: cfg} }

// Name is the provider's key.
func (p *Provider) Name() string { return p.cfg.Name }

// Label is what the login button says.
func (p *Provider) Label() string { return p.cfg.Label }

func (p *Provider) discover(ctx context.Context) (*oauth2.Config, *gooidc.IDTokenVerifier, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.op == nil {
		op, err := gooidc.NewProvider(ctx, p.cfg.Issuer)
		if err != nil {
			return nil, nil, &core.RemoteError{Message: fmt.Sprintf("discovery at %s: %v", p.cfg.Issuer, err)}
		}
		p.op = op
		p.verifier = op.Verifier(&gooidc.Config{ClientID: p.cfg.ClientID})
		p.oauth = &oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, RedirectURL: p.cfg.RedirectURL,
			Endpoint: op.Endpoint(), Scopes: []string{gooidc.ScopeOpenID, "profile", "email"}}
	}
	return p.oauth, p.verifier, nil
}

// AuthURL is where to send the browser: state and nonce bind the answer to
// this browser, verifier is the PKCE secret (RFC 7636).
func (p *Provider) AuthURL(ctx context.Context, state, nonce, verifier string) (string, error) {
	o, _, err := p.discover(ctx)
	if err != nil {
		return "", err
	}
	return o.AuthCodeURL(state, gooidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

// claims are the ID token's claims Quartier reads; the area claim is read by
// its configured name.
type claims struct {
	Name          string `json:"name"`
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
}

// ErrNonce is an ID token minted for another login attempt (a replay).
var ErrNonce = errors.New("the ID token's nonce does not match this login")

// Exchange trades the code for tokens, verifies the ID token (signature,
// issuer, audience, expiry, nonce) and returns who signed in.
func (p *Provider) Exchange(ctx context.Context, code, nonce, verifier string) (core.ExternalIdentity, error) {
	o, v, err := p.discover(ctx)
	if err != nil {
		return core.ExternalIdentity{}, err
	}
	tok, err := o.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return core.ExternalIdentity{}, &core.RemoteError{Message: "token exchange: " + err.Error(), Permanent: true}
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return core.ExternalIdentity{}, &core.RemoteError{Message: "no id_token in the token answer", Permanent: true}
	}
	idt, err := v.Verify(ctx, raw)
	if err != nil {
		return core.ExternalIdentity{}, &core.RemoteError{Message: "id_token: " + err.Error(), Permanent: true}
	}
	if idt.Nonce != nonce {
		return core.ExternalIdentity{}, ErrNonce
	}
	var c claims
	all := map[string]any{}
	if err := idt.Claims(&c); err != nil {
		return core.ExternalIdentity{}, &core.RemoteError{Message: "claims: " + err.Error(), Permanent: true}
	}
	_ = idt.Claims(&all)
	id := core.ExternalIdentity{Provider: p.cfg.Name, Subject: idt.Subject, Name: c.Name, Email: c.Email, EmailVerified: c.EmailVerified}
	if p.cfg.AreaClaim != "" {
		id.AreaRef, _ = all[p.cfg.AreaClaim].(string)
	}
	return id, nil
}
