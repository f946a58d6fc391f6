package web

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
)

// A page's template set holds the page and only the partials it calls
// (directly or through other partials); the layout is one template drawn
// around every page's blocks (pages.draw). Cloning the layout and every
// partial into every page, as before, kept about 19 MB and 390,000 objects
// of parse trees alive: most of the server's live heap, which the collector
// marks in every cycle, and under load each cycle slowed every answer for a
// few tens of milliseconds.

// layoutMain is the layout every page is drawn in; it calls no template.
const layoutMain = "templates/layout/layout.html"

var (
	templateCall   = regexp.MustCompile(`{{-?\s*(?:template|block)\s+"([^"]+)"`)
	templateDefine = regexp.MustCompile(`{{-?\s*(?:define|block)\s+"([^"]+)"`)
)

// templateNames lists the names in src that re matches, in order.
func templateNames(re *regexp.Regexp, src []byte) []string {
	var names []string
	for _, m := range re.FindAllSubmatch(src, -1) {
		names = append(names, string(m[1]))
	}
	return names
}

// partialsByName maps each template the layout folder defines to its file.
func partialsByName(fsys fs.FS, files []string) (map[string]string, error) {
	definedIn := map[string]string{}
	for _, f := range files {
		src, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		for _, name := range templateNames(templateDefine, src) {
			definedIn[name] = f
		}
	}
	return definedIn, nil
}

// pageFiles lists the files of page's template set, in parsing order: the
// partials that the page calls, or that those call, then the page. It also
// returns every template name these files call, for checking.
func pageFiles(fsys fs.FS, page string, definedIn map[string]string) (files, calls []string, err error) {
	for todo := []string{page}; len(todo) > 0; todo = todo[1:] {
		src, err := fs.ReadFile(fsys, todo[0])
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", todo[0], err)
		}
		for _, name := range templateNames(templateCall, src) {
			calls = append(calls, name)
			if f, ok := definedIn[name]; ok && f != page && !slices.Contains(files, f) {
				files = append(files, f)
				todo = append(todo, f)
			}
		}
	}
	return append(files, page), calls, nil
}
