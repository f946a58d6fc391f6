// Package i18n holds the interface texts in every language and looks them up.
//
// Catalogues are flat JSON objects, one file per language (locales/fr.json, ...),
// embedded in the binary. A key missing in one language falls back to French, then
// to the key itself, so a gap shows up as a visible key rather than an empty string;
// a test checks that every language has every key.
//
// A text names its values in braces: {name}. A word that depends on a number is
// written {name|one|other}: the form for one (1 in English, German and
// Luxembourgish; 0 and 1 in French, as CLDR says) or the other.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"quartier/core"
)

//go:embed locales/*.json
var files embed.FS

// Catalog maps message keys to texts, per language.
type Catalog struct {
	texts map[core.Language]map[string]string
}

// Load reads the embedded catalogues. It fails when a file is missing or malformed.
func Load() (*Catalog, error) {
	c := &Catalog{texts: map[core.Language]map[string]string{}}
	for _, lang := range core.Languages {
		raw, err := files.ReadFile("locales/" + string(lang) + ".json")
		if err != nil {
			return nil, fmt.Errorf("read catalogue %s: %w", lang, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("parse catalogue %s: %w", lang, err)
		}
		c.texts[lang] = m
	}
	return c, nil
}

// MustLoad is Load for package initialisation, where the embedded files are known good.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// T returns the text for key in lang, with {name} placeholders replaced by the
// values of args, given as name, value pairs, and {name|one|other} by the form
// the number name calls for.
func (c *Catalog) T(lang core.Language, key string, args ...any) string {
	s, ok := c.texts[lang][key]
	if !ok {
		lang = core.DefaultLanguage // the French text, with French plurals
		if s, ok = c.texts[lang][key]; !ok {
			s = key
		}
	}
	if len(args) == 0 {
		return s
	}
	if strings.Contains(s, "|") {
		s = choosePlurals(lang, s, args)
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// Has reports whether lang has its own text for key.
func (c *Catalog) Has(lang core.Language, key string) bool {
	_, ok := c.texts[lang][key]
	return ok
}

// Keys returns the keys of lang's catalogue, sorted.
func (c *Catalog) Keys(lang core.Language) []string {
	keys := make([]string, 0, len(c.texts[lang]))
	for k := range c.texts[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// choosePlurals replaces each {name|one|other} in s by the form the number
// given for name in args calls for in lang; anything else is left as it is.
func choosePlurals(lang core.Language, s string, args []any) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			break
		}
		end += open
		forms := strings.Split(s[open+1:end], "|")
		if len(forms) != 3 {
			b.WriteString(s[:end+1])
			s = s[end+1:]
			continue
		}
		b.WriteString(s[:open])
		if isOne(lang, argument(args, forms[0])) {
			b.WriteString(forms[1])
		} else {
			b.WriteString(forms[2])
		}
		s = s[end+1:]
	}
	b.WriteString(s)
	return b.String()
}

// argument is the value given for name in name, value pairs, as text.
func argument(args []any, name string) string {
	for i := 0; i+1 < len(args); i += 2 {
		if fmt.Sprint(args[i]) == name {
			return fmt.Sprint(args[i+1])
		}
	}
	return ""
}

// isOne says whether the number n takes the form for one in lang: CLDR's
// plural rules, French counting 0 and 1 (and what lies between) as one.
func isOne(lang core.Language, n string) bool {
	v, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
	if err != nil {
		return false
	}
	if lang == core.French {
		return v >= 0 && v < 2
	}
	return v == 1
}

// Percent writes n per cent in lang: English without a space ("45%"), the
// others with a no-break space ("45 %"), so that the sign never starts a line.
func Percent(lang core.Language, n any) string {
	if lang == core.English {
		return fmt.Sprint(n) + "%"
	}
	return fmt.Sprint(n) + "\u00a0%"
}

// Colon is the colon that ends a label in lang: French typography puts a
// no-break space before it ("Lieu : …"), the other languages none.
func Colon(lang core.Language) string {
	if lang == core.French {
		return "\u00a0:"
	}
	return ":"
}
