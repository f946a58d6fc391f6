package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/core/i18n"
)

//go:embed templates
var templateFiles embed.FS

// pages holds one template set per page (the page and the partials it
// calls, see pageFiles) and the layout they are all drawn in.
type pages struct {
	byName map[string]*template.Template
	layout *template.Template
}

func loadPages() (*pages, error) { return parsePages(templateFiles) }

// parsePages parses the pages of fsys (templates/*.html, partials in
// templates/layout/), each with the partials it calls.
func parsePages(fsys fs.FS) (*pages, error) {
	funcs := template.FuncMap{
		// date is a date and time as people here write them, in the
		// commune's time zone ("27.11.2026 15:09"); day is the date alone.
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(communeZone).Format("02.01.2006 15:04")
		},
		"isoDate": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"device":  deviceOf,
		// textLang is the language residents' texts are written in, when
		// core.GuessLanguage can tell from them together; "" otherwise.
		"textLang": func(texts ...string) string {
			l, _ := core.GuessLanguage(strings.Join(texts, "\n"))
			return string(l)
		},
		"day": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(communeZone).Format("02.01.2006")
		},
		// safeHTML marks rich text that core.SanitizeHTML produced (and only that)
		// as safe to insert.
		"safeHTML": func(sanitized string) template.HTML { return template.HTML(sanitized) }, //nolint:gosec // sanitised on write
		// paragraphs shows plain text with its paragraphs and line breaks, escaped.
		"paragraphs": func(text string) template.HTML {
			return template.HTML(core.PlainToHTML(text)) //nolint:gosec // PlainToHTML escapes
		},
		// excerpt is plain text on one line, cut to n characters with "…".
		"excerpt": func(text string, n int) string { return shortened(strings.Join(strings.Fields(text), " "), n) },
		"flagData": func(page *Page, entity string, id int64, back string) map[string]any {
			return map[string]any{"Page": page, "Entity": entity, "ID": id, "Back": back, "Reasons": flagReasons}
		},
		"milestoneData": func(page *Page, m core.Milestone) map[string]any {
			return map[string]any{"Page": page, "M": m}
		},
		"argsData": func(page *Page, list []*core.Argument) map[string]any {
			return map[string]any{"Page": page, "List": list}
		},
		"commentsData": func(page *Page, list []*core.Comment) map[string]any {
			return map[string]any{"Page": page, "List": list}
		},
		"listData": func(page *Page, list []core.Consultation) map[string]any {
			return map[string]any{"Page": page, "List": list}
		},
		"formData": func(page *Page, k core.Consultation, questions []questionView, next string, center orb.Point) map[string]any {
			hasPoint := false
			for _, q := range questions {
				hasPoint = hasPoint || q.Kind == core.QPoint
			}
			return map[string]any{"Page": page, "C": k, "Questions": questions, "Next": next, "HasPoint": hasPoint,
				"Center": struct{ Lat, Lon float64 }{center[1], center[0]}}
		},
		"meetingData": func(page *Page, m core.Meeting) map[string]any {
			return map[string]any{"Page": page, "M": m.In(page.Lang)}
		},
		"placesLeft": func(m core.Meeting) int { return max(0, m.Capacity-m.RegisteredCount) },
		"euros":      euros,
		"eur":        func(amount int64) string { return euros(amount * 100) },
		"envData": func(page *Page, b core.Budget, e envelopeView, open bool) map[string]any {
			return map[string]any{"Page": page, "B": b, "E": e, "Open": open}
		},
		"add":     func(a, b int) int { return a + b },
		"percent": func(f float64) string { return strconv.Itoa(int(f*100+0.5)) + " %" },
		"short": func(s string, n int) string {
			if r := []rune(s); len(r) > n {
				return string(r[:n-1]) + "…"
			}
			return s
		},
		"list": func(items ...string) []string { return items },
		// dict makes a map of key, value pairs, to hand several values to a
		// template.
		"dict": func(pairs ...any) (map[string]any, error) {
			if len(pairs)%2 != 0 {
				return nil, fmt.Errorf("dict: %d arguments, want pairs", len(pairs))
			}
			m := make(map[string]any, len(pairs)/2)
			for i := 0; i < len(pairs); i += 2 {
				key, ok := pairs[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", pairs[i])
				}
				m[key] = pairs[i+1]
			}
			return m, nil
		},
		// qfData feeds the question fields: the add form (prefix "", the page's
		// form and errors) or a question's edit form (its own prefix and values).
		"qfData": func(page *Page, prefix string, values map[string]string) map[string]any {
			errs := page.Errors
			if prefix != "" {
				errs = nil
			}
			return map[string]any{"Page": page, "Prefix": prefix, "V": values, "Errors": errs}
		},
	}
	layout, err := template.New("layout").Funcs(funcs).ParseFS(fsys, layoutMain)
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	src, err := fs.ReadFile(fsys, layoutMain)
	if err != nil {
		return nil, err
	}
	if calls := templateNames(templateCall, src); len(calls) > 0 {
		return nil, fmt.Errorf("%s calls %q: it is drawn alone, around the page's blocks", layoutMain, calls)
	}
	partials, err := fs.Glob(fsys, "templates/layout/*.html")
	if err != nil {
		return nil, err
	}
	definedIn, err := partialsByName(fsys, partials)
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}, layout: layout}
	for _, f := range files {
		set, calls, err := pageFiles(fsys, f, definedIn)
		if err != nil {
			return nil, err
		}
		t, err := template.New(path.Base(f)).Funcs(funcs).ParseFS(fsys, set...)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		for _, name := range calls {
			if t.Lookup(name) == nil {
				return nil, fmt.Errorf("%s: template %q is called but no file of its set defines it", f, name)
			}
		}
		p.byName[strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")] = t
	}
	return p, nil
}

// Page is what every template receives. Page-specific values are in Data.
type Page struct {
	Lang      core.Language
	Languages []core.Language
	Path      string
	User      *core.Participant
	Flash     string // a message (already translated) to show once
	Form      map[string]string
	Errors    map[string]string // field name: translated message
	ErrorList []fieldError      // the same, in order, for the summary
	Data      map[string]any
	DevMode   bool
	// LoginProviders are the "log in with ..." buttons.
	LoginProviders []loginButton
	// Map tiles for Leaflet (empty: outlines on a plain background).
	MapTiles       string
	MapAttribution string
	nonce          int
	csrf           func() string
	cat            *i18n.Catalog
	// readProjectTitles reads the projects' translated titles (cached by the
	// server); ProjectTitle calls it once per page, when a page asks.
	readProjectTitles func() map[int64]map[core.Language]string
	projectTitles     map[int64]map[core.Language]string
}

// ProjectTitle is the title of project id in the page's language where staff
// translated it, original (as the idea or debate carries it) otherwise.
func (p *Page) ProjectTitle(id int64, original string) string {
	if p.projectTitles == nil && p.readProjectTitles != nil {
		p.projectTitles, p.readProjectTitles = p.readProjectTitles(), nil
	}
	if t, ok := p.projectTitles[id][p.Lang]; ok {
		return t
	}
	return original
}

type fieldError struct{ Field, Message string }

// In reports whether the page is section or inside it ("/ideas" for
// "/ideas/12"; "/" for the home page only), for the menu's aria-current.
func (p *Page) In(section string) bool {
	return p.Path == section || section != "/" && strings.HasPrefix(p.Path, section+"/")
}

// Nonce returns a number unique within the page, for element ids of repeated forms.
func (p *Page) Nonce() int { p.nonce++; return p.nonce }

// T translates key into the page language; args are name, value pairs.
func (p *Page) T(key string, args ...any) string { return p.cat.T(p.Lang, key, args...) }

// Colon ends a label written in a template ({{.T "ideas.location"}}{{.Colon}})
// as the page language's typography wants.
func (p *Page) Colon() string { return i18n.Colon(p.Lang) }

// Pct writes n per cent as the page's language does (i18n.Percent).
func (p *Page) Pct(n any) string { return i18n.Percent(p.Lang, n) }

// CSRF returns the token every form must post back as csrf_token.
func (p *Page) CSRF() string { return p.csrf() }

// LanguageName returns a language's name in that language (for the switch).
func (p *Page) LanguageName(l core.Language) string { return p.cat.T(l, "language.name") }

// Name shows a participant's name, or "former participant" for a deleted account.
func (p *Page) Name(u core.Participant) string {
	if u.Deleted() {
		return p.T("participant.former")
	}
	return u.DisplayName
}

// RoleName translates a role.
func (p *Page) RoleName(r core.Role) string { return p.T("role." + string(r)) }

func (s *Server) newPage(c *gin.Context, data map[string]any) *Page {
	p := &Page{
		Lang: langOf(c), Languages: core.Languages, Path: c.Request.URL.RequestURI(),
		User: userOf(c), Data: data, Form: map[string]string{}, Errors: map[string]string{},
		DevMode: s.mailbox != nil, cat: s.catalog,
		MapTiles: s.cfg.Map.TileURL, MapAttribution: s.cfg.Map.TileAttribution,
		csrf: func() string { return s.csrfToken(c) },
		readProjectTitles: func() map[int64]map[core.Language]string {
			titles, err := s.projectTitles.get(c.Request.Context(), struct{}{}, time.Now(), s.store.ProjectTitleTranslations)
			if err != nil {
				s.log.Warn("project titles", "err", err) // the originals then
			}
			return titles
		},
	}
	for _, lp := range s.providers {
		p.LoginProviders = append(p.LoginProviders, loginButton{Name: lp.Name(), Label: lp.Label()})
	}
	// Error pages leave the message for the next real page: a browser's background
	// request (a missing favicon, say) must not swallow it.
	if flash, err := c.Cookie(cookieFlash); err == nil && flash != "" && !c.GetBool(keyErrorPage) {
		if strings.HasPrefix(flash, "flash.") && s.catalog.Has(core.DefaultLanguage, flash) {
			p.Flash = s.catalog.T(p.Lang, flash)
		}
		s.clearCookie(c, cookieFlash)
	}
	return p
}

// render writes page name with data.
func (s *Server) render(c *gin.Context, status int, name string, data map[string]any) {
	s.renderPage(c, status, name, s.newPage(c, data))
}

func (s *Server) renderPage(c *gin.Context, status int, name string, p *Page) {
	t, ok := s.pages.byName[name]
	if !ok {
		s.log.Error("missing template", "name", name)
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	var buf bytes.Buffer
	if err := s.pages.draw(&buf, t, p); err != nil {
		s.log.Error("render failed", "template", name, "err", err)
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// layoutPage is what the layout draws: the page, and its blocks drawn first.
type layoutPage struct {
	*Page
	PageTitle, PageHead, PageContent template.HTML
}

// draw writes page t in the layout: its "title", "head" (if it has one) and
// "content" blocks are drawn first, each escaped as html/template does, and
// the layout inserts them as they are.
func (ps *pages) draw(w io.Writer, t *template.Template, p *Page) error {
	block := func(name string) (template.HTML, error) {
		if t.Lookup(name) == nil {
			return "", nil
		}
		var b strings.Builder
		err := t.ExecuteTemplate(&b, name, p)
		return template.HTML(b.String()), err //nolint:gosec // html/template's own escaped output
	}
	lp := layoutPage{Page: p}
	var err error
	if lp.PageTitle, err = block("title"); err != nil {
		return err
	}
	if lp.PageHead, err = block("head"); err != nil {
		return err
	}
	if lp.PageContent, err = block("content"); err != nil {
		return err
	}
	return ps.layout.ExecuteTemplate(w, "layout", lp)
}

// formPage re-renders a form with its values and the problems in err: 422,
// or 409 when the state forbids the change, or 429 past a rate limit.
func (s *Server) formPage(c *gin.Context, name string, err error, form map[string]string, data map[string]any) {
	p := s.newPage(c, data)
	p.Form = form
	status := http.StatusUnprocessableEntity
	for _, e := range core.Problems(err) {
		msg := s.catalog.T(p.Lang, e.Key)
		field := e.Field
		if field == "" {
			field = "form"
		}
		if _, dup := p.Errors[field]; !dup {
			p.Errors[field] = msg
			p.ErrorList = append(p.ErrorList, fieldError{Field: field, Message: msg})
		}
		switch e.Code {
		case core.CodeRateLimited:
			status = http.StatusTooManyRequests
		case core.CodeConflict:
			status = http.StatusConflict
		}
	}
	s.renderPage(c, status, name, p)
}

// renderForm renders a page with a form filled from form: with err's problems
// (see formPage) when err is not nil, with status otherwise.
func (s *Server) renderForm(c *gin.Context, status int, name string, form map[string]string, data map[string]any, err error) {
	if err != nil {
		s.formPage(c, name, err, form, data)
		return
	}
	p := s.newPage(c, data)
	p.Form = form
	s.renderPage(c, status, name, p)
}

// redirectWithFlash redirects (303) and leaves a one-time message for the next page.
func (s *Server) redirectWithFlash(c *gin.Context, to, flashKey string) {
	s.setCookie(c, cookieFlash, flashKey, time.Minute)
	c.Redirect(http.StatusSeeOther, to)
}

// euros writes an amount given in cents as the pages write money: thousands
// grouped by thin spaces, cents only when there are some ("180 000 €",
// "12,50 €").
func euros(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	digits := strconv.FormatInt(cents/100, 10)
	var groups []string
	for len(digits) > 3 {
		groups = append([]string{digits[len(digits)-3:]}, groups...)
		digits = digits[:len(digits)-3]
	}
	out := sign + strings.Join(append([]string{digits}, groups...), "\u202f")
	if c := cents % 100; c != 0 {
		out += fmt.Sprintf(",%02d", c)
	}
	return out + "\u00a0€"
}
