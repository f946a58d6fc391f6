package web

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// A page's set holds the layout, the partials it reaches and the page; a
// fragment stands without the layout; a call nothing defines stops the start.
func TestPageSetsHoldOnlyThePartialsTheyCall(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	fsys := fstest.MapFS{
		"templates/layout/layout.html": file(`{{define "layout"}}<title>{{template "title" .}}</title>{{block "head" .}}{{end}}{{template "content" .}}{{end}}{{define "pager"}}p{{end}}`),
		"templates/layout/a.html":      file(`{{define "a"}}a{{template "b" .}}{{end}}`),
		"templates/layout/b.html":      file(`{{define "b"}}b{{end}}`),
		"templates/layout/big.html":    file(`{{define "big"}}` + strings.Repeat("x", 1000) + `{{end}}`),
		"templates/page.html":          file(`{{define "title"}}T{{end}}{{define "head"}}H{{end}}{{define "content"}}{{template "a" .}}{{template "pager" .}}{{end}}`),
		"templates/widget.html":        file(`{{define "widget"}}w{{template "b" .}}{{end}}`),
	}
	definedIn, err := partialsByName(fsys, []string{"templates/layout/layout.html", "templates/layout/a.html", "templates/layout/b.html", "templates/layout/big.html"})
	if err != nil {
		t.Fatal(err)
	}
	for page, want := range map[string][]string{
		"templates/page.html":   {"templates/layout/layout.html", "templates/layout/a.html", "templates/layout/b.html", "templates/page.html"},
		"templates/widget.html": {"templates/layout/b.html", "templates/widget.html"},
	} {
		if got, _, err := pageFiles(fsys, page, definedIn); err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: files %v, %v; want %v", page, got, err, want)
		}
	}
	p, err := parsePages(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := p.byName["page"].ExecuteTemplate(&out, "layout", nil); err != nil || out.String() != "<title>T</title>Habp" {
		t.Errorf("page drew %q, %v", out.String(), err)
	}
	if p.byName["page"].Lookup("big") != nil {
		t.Error("a partial the page does not call is in its set")
	}

	fsys["templates/broken.html"] = file(`{{define "title"}}T{{end}}{{define "content"}}{{template "missing" .}}{{end}}`)
	if _, err := parsePages(fsys); err == nil || !strings.Contains(err.Error(), `"missing"`) {
		t.Errorf("a call nothing defines: %v", err)
	}
}
