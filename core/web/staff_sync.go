package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// staffSync shows every connector: last and next pull, what was published and
// imported, deliveries waiting, failed deliveries with the remote's error (to
// retry or skip), and refused imports.
func (s *Server) staffSync(c *gin.Context) {
	var status []core.ConnectorStatus
	if s.sync != nil {
		var err error
		if status, err = s.sync.Status(c.Request.Context()); err != nil {
			s.fail(c, core.Unavailable(err))
			return
		}
	}
	s.render(c, http.StatusOK, "staff_sync", map[string]any{"Running": s.sync != nil, "Connectors": status, "Kinds": core.PublicationKinds})
}

// staffSyncJob retries or skips a failed delivery.
func (s *Server) staffSyncJob(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("job"), 10, 64)
	if err != nil || s.sync == nil {
		s.fail(c, core.NotFound("error.page_not_found"))
		return
	}
	flash := "flash.sync_retried"
	if c.PostForm("action") == "skip" {
		err, flash = s.sync.Skip(c.Request.Context(), id), "flash.sync_skipped"
	} else {
		err = s.sync.Retry(c.Request.Context(), id)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.store.Audit(c.Request.Context(), userOf(c).ID, "sync."+c.DefaultPostForm("action", "retry"), "delivery", id, ""); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/staff/sync", flash)
}

// staffSyncPull asks for a pull now.
func (s *Server) staffSyncPull(c *gin.Context) {
	if s.sync == nil {
		s.fail(c, core.NotFound("error.page_not_found"))
		return
	}
	if err := s.sync.PullNow(c.Request.Context(), c.Param("name")); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/staff/sync", "flash.sync_pull_queued")
}

// staffSyncSettings records which kinds of change a connector posts and its
// text template (empty: the configuration's). It applies within seconds.
func (s *Server) staffSyncSettings(c *gin.Context) {
	if s.sync == nil {
		s.fail(c, core.NotFound("error.page_not_found"))
		return
	}
	name := c.Param("name")
	status, err := s.sync.Status(c.Request.Context())
	if err != nil {
		s.fail(c, core.Unavailable(err))
		return
	}
	if !slices.ContainsFunc(status, func(st core.ConnectorStatus) bool { return st.Name == name }) {
		s.fail(c, core.NotFound("error.connector_not_found"))
		return
	}
	kinds := []string{}
	for _, k := range c.PostFormArray("kinds") {
		if !slices.Contains(core.PublicationKinds, core.PublicationKind(k)) {
			s.fail(c, core.Invalid("kinds", "error.form_unreadable"))
			return
		}
		kinds = append(kinds, k)
	}
	setting := postgres.ConnectorSetting{Kinds: kinds}
	if t := strings.TrimSpace(strings.ReplaceAll(c.PostForm("template"), "\r\n", "\n")); t != "" {
		if utf8.RuneCountInString(t) > 1000 || !strings.Contains(t, "{url}") && !strings.Contains(t, "{title}") {
			s.fail(c, core.Invalid("template", "error.connector_template"))
			return
		}
		setting.Template = &t
	}
	if err := s.store.SaveConnectorSetting(c.Request.Context(), userOf(c).ID, name, setting); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/staff/sync#c-"+name+"-h", "flash.connector_saved")
}
