package web

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// A page's set holds the partials it reaches and the page; the layout is
// drawn once around the page's blocks; a call nothing defines stops the start.
func TestPageSetsHoldOnlyThePartialsTheyCall(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	fsys := fstest.MapFS{
		"templates/layout/layout.html": file(`{{define "layout"}}<title>{{.PageTitle}}</title>{{.PageHead}}<main>{{.PageContent}}</main>{{end}}`),
		"templates/layout/parts.html":  file(`{{define "pager"}}p{{end}}`),
		"templates/layout/a.html":      file(`{{define "a"}}a{{template "b" .}}{{end}}`),
		"templates/layout/b.html":      file(`{{define "b"}}b{{end}}`),
		"templates/layout/big.html":    file(`{{define "big"}}` + strings.Repeat("x", 1000) + `{{end}}`),
		"templates/page.html":          file(`{{define "title"}}T & {{"<Co>"}}{{end}}{{define "head"}}<meta name="x">{{end}}{{define "content"}}{{template "a" .}}{{template "pager" .}}{{end}}`),
		"templates/plain.html":         file(`{{define "title"}}P{{end}}{{define "content"}}<p>{{"<b>"}}</p>{{end}}`),
		"templates/widget.html":        file(`{{define "widget"}}w{{template "b" .}}{{end}}`),
	}
	definedIn, err := partialsByName(fsys, []string{"templates/layout/layout.html", "templates/layout/parts.html",
		"templates/layout/a.html", "templates/layout/b.html", "templates/layout/big.html"})
	if err != nil {
		t.Fatal(err)
	}
	for page, want := range map[string][]string{
		"templates/page.html":   {"templates/layout/a.html", "templates/layout/parts.html", "templates/layout/b.html", "templates/page.html"},
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
	for name, want := range map[string]string{
		"page":  `<title>T & &lt;Co&gt;</title><meta name="x"><main>abp</main>`,
		"plain": `<title>P</title><main><p>&lt;b&gt;</p></main>`,
	} {
		var out strings.Builder
		if err := p.draw(&out, p.byName[name], &Page{}); err != nil || out.String() != want {
			t.Errorf("%s drew %q, %v; want %q", name, out.String(), err, want)
		}
	}
	if p.byName["page"].Lookup("big") != nil || p.byName["page"].Lookup("layout") != nil {
		t.Error("a template the page does not call is in its set")
	}

	fsys["templates/broken.html"] = file(`{{define "title"}}T{{end}}{{define "content"}}{{template "missing" .}}{{end}}`)
	if _, err := parsePages(fsys); err == nil || !strings.Contains(err.Error(), `"missing"`) {
		t.Errorf("a call nothing defines: %v", err)
	}
	delete(fsys, "templates/broken.html")
	fsys["templates/layout/layout.html"] = file(`{{define "layout"}}{{template "pager" .}}{{.PageContent}}{{end}}`)
	if _, err := parsePages(fsys); err == nil || !strings.Contains(err.Error(), `layout.html calls ["pager"]`) {
		t.Errorf("a layout that calls a partial: %v", err)
	}
}
