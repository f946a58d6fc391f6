package web

import (
	"errors"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

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

// slug makes a file-name-safe piece of text: "Rue de Wärken, côté pair" gives
// "rue-de-warken-cote-pair".
func slug(s string) string {
	out := strings.ReplaceAll(geo.FoldName(s), " ", "-")
	if len(out) > 40 {
		out = out[:40]
	}
	return strings.Trim(out, "-")
}

// maxSearchQuery bounds what a search box (ideas, addresses, streets) passes on.
const maxSearchQuery = 100

// searchQuery is the "q" parameter, trimmed and cut to maxSearchQuery
// characters (never inside a character).
func searchQuery(c *gin.Context) string {
	return truncateRunes(strings.TrimSpace(c.Query("q")), maxSearchQuery)
}

// truncateRunes returns s cut to at most n characters.
func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// shortened returns s cut to at most n characters, with "…" when it was cut.
func shortened(s string, n int) string {
	if cut := truncateRunes(s, n); cut != s {
		return cut + "…"
	}
	return s
}

// errNotANumber is parseNumber's answer to NaN and the infinities.
var errNotANumber = errors.New("not a finite number")

// parseNumber reads a decimal number someone typed or sent (a coordinate, a
// distance, an amount): NaN and the infinities, which strconv.ParseFloat
// reads too, are errors, as is everything it refuses.
func parseNumber(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
		err = errNotANumber
	}
	return f, err
}
