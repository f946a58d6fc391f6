// Package i18n holds the interface texts in every language and looks them up.
//
// Catalogues are flat JSON objects, one file per language (locales/fr.json, ...),
// embedded in the binary. A key missing in one language falls back to French, then
// to the key itself, so a gap shows up as a visible key rather than an empty string;
// a test checks that every language has every key.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
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
// values of args, given as name, value pairs.
func (c *Catalog) T(lang core.Language, key string, args ...any) string {
	s, ok := c.texts[lang][key]
	if !ok {
		if s, ok = c.texts[core.DefaultLanguage][key]; !ok {
			s = key
		}
	}
	if len(args) == 0 {
		return s
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
