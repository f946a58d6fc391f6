package geo

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/paulmach/orb"
)

// AddressRecord is one entry of an address register, as read from a file.
type AddressRecord struct {
	ID       int64  // the official building id (id_caclr_bat)
	StreetID int64  // the official street id (id_caclr_rue)
	Street   string // street name as written by the register
	Number   string // house number as written ("62A", "22-26"); empty when undefined
	Postcode string
	Locality string
	Commune  string
	Point    orb.Point // WGS84 lon/lat; meaningful only when HasPoint
	HasPoint bool
	Line     int // where it was read (line of the CSV, or of IMMEUBLE in the zip)
}

// Rejected is a row that could not be read; the others still are.
type Rejected struct {
	Line   int
	Field  string
	Reason string // English, for logs and the CLI
	Code   string // ErrField, ErrDuplicateID, ...
}

// HouseNumber splits a register number into its leading integer and the rest:
// "62A" is 62 and "A", "22-26" is 22 and "-26", "1BIS" is 1 and "BIS". A number
// without leading digits gives 0 and the whole text.
func HouseNumber(s string) (n int, suffix string) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, s
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil {
		return 0, s
	}
	return n, strings.TrimSpace(s[i:])
}

// FoldName prepares a name for accent- and case-insensitive matching: lower case,
// accents removed (é→e, ä→a, ß→ss), punctuation to spaces, and the common street
// abbreviations expanded ("r." → "rue", "av." → "avenue", "bd" → "boulevard"),
// so that "R. de Warken", "rue de warken" and "Rue de Wärken" meet.
func FoldName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == 'ß':
			b.WriteString("ss")
		case r == 'æ':
			b.WriteString("ae")
		case r == 'œ':
			b.WriteString("oe")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(stripAccent(r))
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	for i, w := range words {
		if full, ok := abbreviations[w]; ok {
			words[i] = full
		}
	}
	return strings.Join(words, " ")
}

var abbreviations = map[string]string{
	"r": "rue", "av": "avenue", "ave": "avenue", "bd": "boulevard", "bld": "boulevard", "blvd": "boulevard",
	"pl": "place", "rte": "route", "ch": "chemin", "str": "strasse", "st": "saint", "ste": "sainte",
}

// stripAccent maps the accented Latin letters of Luxembourgish, French and German
// to their base letter.
func stripAccent(r rune) rune {
	if r < 0xC0 {
		return r
	}
	const from = "àáâãäåçèéêëìíîïñòóôõöøùúûüýÿ"
	const to = "aaaaaaceeeeiiiinoooooouuuuyy"
	fr := []rune(from)
	for i, x := range fr {
		if x == r {
			return rune(to[i])
		}
	}
	return r
}
