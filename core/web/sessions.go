package web

import (
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// currentSessionHash is the hash of the token of the request's session.
func currentSessionHash(c *gin.Context) []byte {
	if v, ok := c.Get(keySession); ok {
		return v.([]byte)
	}
	return nil
}

// refreshOwnSession drops the cached copy of the request's session, so that
// the next page shows what the person just changed about themselves (name,
// language, e-mail address, two-step verification) rather than the copy
// sessionParticipant keeps for a moment.
func (s *Server) refreshOwnSession(c *gin.Context) {
	if h := currentSessionHash(c); h != nil {
		s.sessions.forget(string(h))
	}
}

// sessionID is what OpenSession.ID looks like.
var sessionID = regexp.MustCompile(`^[0-9a-f]{16}$`)

// endSession ends one of the person's other sessions (a browser they left
// signed in elsewhere), or, with id "others", all but this one.
func (s *Server) endSession(c *gin.Context) {
	u := userOf(c)
	id := c.Param("id")
	if id == "others" {
		id = ""
	} else if !sessionID.MatchString(id) {
		s.fail(c, core.NotFound("error.page_not_found"))
		return
	}
	ended, err := s.store.EndSessions(c.Request.Context(), u.ID, id, currentSessionHash(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, h := range ended {
		s.sessions.forget(string(h)) // this process at once; the others within their cache's seconds
	}
	s.redirectWithFlash(c, "/account#sessions", "flash.sessions_ended")
}

// deviceOf names, from its user agent, the browser and system of a session
// as people know them ("Firefox, Linux"); "" when it cannot tell.
func deviceOf(userAgent string) string {
	find := func(pairs [][2]string) string {
		for _, p := range pairs {
			if strings.Contains(userAgent, p[0]) {
				return p[1]
			}
		}
		return ""
	}
	// Order matters: Edge and Opera say Chrome too, Chrome says Safari.
	browser := find([][2]string{{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"}})
	system := find([][2]string{{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Windows", "Windows"}, {"Mac OS X", "macOS"},
		{"CrOS", "ChromeOS"}, {"Linux", "Linux"}})
	switch {
	case browser != "" && system != "":
		return browser + ", " + system
	default:
		return browser + system
	}
}
