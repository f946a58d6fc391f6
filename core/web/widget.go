package web

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// widget is the page a commune's website frames (through /static/widget.js):
// the open consultations, the coming events and the projects, in the site's language, linking into
// Quartier. It is the one page other sites may frame: it is public and changes
// nothing.
func (s *Server) widget(c *gin.Context) {
	ctx := c.Request.Context()
	all, err := s.store.Consultations(ctx, postgres.ConsultationFilter{PublishedOnly: true, Limit: 20})
	if err != nil {
		s.fail(c, err)
		return
	}
	var open []core.Consultation
	for _, k := range all {
		if k.PhaseAt(s.now()) == core.ConsultationOpen && len(open) < 5 {
			open = append(open, k)
		}
	}
	projects, _, err := s.store.Projects(ctx, postgres.ProjectFilter{Status: core.ProjectPublished, Limit: 5})
	if err != nil {
		s.fail(c, err)
		return
	}
	events, err := s.store.Meetings(ctx, postgres.MeetingFilter{EndsAfter: s.now(), Limit: 5})
	if err != nil {
		s.fail(c, err)
		return
	}
	if l, ok := core.ParseLanguage(c.Query("lang")); ok {
		c.Set(keyLang, l)
	}
	p := s.newPage(c, map[string]any{"Consultations": open, "Projects": projectsIn(projects, langOf(c)), "Events": events, "Home": s.link("/")})
	var buf bytes.Buffer
	if err := s.pages.byName["widget"].ExecuteTemplate(&buf, "widget", p); err != nil {
		s.log.Error("render failed", "template", "widget", "err", err)
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	h := c.Writer.Header()
	h.Del("X-Frame-Options")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors *")
	h.Set("Cache-Control", "public, max-age=300")
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}
