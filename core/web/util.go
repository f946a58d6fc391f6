package web

import (
	"errors"
	"net/url"
	"strings"

	"quartier/geo"
)

// safeNext keeps a post-login redirect on this site: a local path, not "//host".
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

func joinErrors(errs []error) error { return errors.Join(errs...) }

func stringsToLowerASCII(s string) string { return strings.ToLower(geo.FoldName(s)) }

func trimDash(s string) string { return strings.Trim(s, "-") }

// sameName compares place names as the register and the area layers spell them.
func sameName(a, b string) bool { return geo.FoldName(a) == geo.FoldName(b) }
