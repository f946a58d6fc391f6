package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// meetings lists what is coming up and the meetings of the last months (their
// outcomes are there).
func (s *Server) meetings(c *gin.Context) {
	ctx := c.Request.Context()
	now := s.now()
	upcoming, err := s.store.Meetings(ctx, postgres.MeetingFilter{EndsAfter: now, Limit: 100})
	if err != nil {
		s.fail(c, err)
		return
	}
	past, err := s.store.Meetings(ctx, postgres.MeetingFilter{EndedBefore: now, Limit: 20})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "meetings", map[string]any{"Upcoming": upcoming, "Past": past, "Now": now,
		"Meta": s.metaOf(s.catalog.T(langOf(c), "meetings.title"), s.catalog.T(langOf(c), "meetings.intro"), "/events", "")})
}

// loadMeeting reads the meeting in the path; drafts exist for managers only.
func (s *Server) loadMeeting(c *gin.Context) (core.Meeting, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.meeting_not_found"))
		return core.Meeting{}, false
	}
	m, err := s.store.Meeting(c.Request.Context(), id)
	if err == nil && !m.Published && (userOf(c) == nil || !userOf(c).Role.AtLeast(core.RoleManager)) {
		err = core.NotFound("error.meeting_not_found")
	}
	if err != nil {
		s.fail(c, err)
		return core.Meeting{}, false
	}
	return m, true
}

func meetingPath(id int64) string { return "/events/" + strconv.FormatInt(id, 10) }

// meeting shows one meeting: when, where (a map link), registration and, once
// it happened, its outcome.
func (s *Server) meeting(c *gin.Context) {
	m, ok := s.loadMeeting(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	m = m.In(langOf(c))
	data := map[string]any{"M": m, "Open": m.OpenForRegistration(s.now()), "Meta": s.metaOf(m.Title, m.Description, meetingPath(m.ID), "")}
	if u := userOf(c); u != nil {
		st, err := s.store.MeetingRegistrationOf(ctx, m.ID, u.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		data["Mine"] = st
	}
	if m.ProjectID != 0 {
		if p, err := s.store.Project(ctx, m.ProjectID); err == nil && p.Status != core.ProjectDraft {
			data["Project"] = p.In(langOf(c))
		}
	}
	if m.CouncilID != 0 { // a neighbourhood council's meeting leads back to it
		if nc, err := s.store.Council(ctx, m.CouncilID); err == nil {
			data["Council"] = nc.In(langOf(c))
		}
	}
	s.render(c, http.StatusOK, "meeting", data)
}

// registerMeeting takes a place (or one on the waiting list).
func (s *Server) registerMeeting(c *gin.Context) {
	m, ok := s.loadMeeting(c)
	if !ok {
		return
	}
	u := userOf(c)
	if err := s.allowFast(c, "support", s.cfg.Limits.APIWritePerUser, u.Email); err != nil {
		s.fail(c, err)
		return
	}
	link := s.link(meetingPath(m.ID))
	st, err := s.store.RegisterForMeeting(c.Request.Context(), m.ID, u.ID, func(p core.Participant, m core.Meeting, st core.RegistrationStatus) core.Mail {
		return s.meetingMail(p, m, "mail.meeting."+string(st), link)
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.redirectWithFlash(c, meetingPath(m.ID)+"#registration", "flash.meeting_"+string(st))
}

// cancelMeetingRegistration gives the place up; the next on the waiting list
// moves up and is told.
func (s *Server) cancelMeetingRegistration(c *gin.Context) {
	m, ok := s.loadMeeting(c)
	if !ok {
		return
	}
	link := s.link(meetingPath(m.ID))
	err := s.store.CancelRegistration(c.Request.Context(), m.ID, userOf(c).ID, func(p core.Participant, m core.Meeting) core.Mail {
		return s.meetingMail(p, m, "mail.meeting.promoted", link)
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.redirectWithFlash(c, meetingPath(m.ID)+"#registration", "flash.meeting_cancelled")
}

// meetingMail is a mail about a meeting in the participant's language (the
// meeting's title too where staff translated it): key names its subject
// (key.subject) and body (key.body).
func (s *Server) meetingMail(p core.Participant, m core.Meeting, key, link string) core.Mail {
	m = m.In(p.Locale)
	when := m.StartsAt.In(communeZone).Format("02.01.2006 15:04")
	where := m.Location
	if where == "" {
		where = m.OnlineURL
	}
	return core.Mail{To: p.Email, Subject: s.catalog.T(p.Locale, key+".subject", "meeting", m.Title),
		Body: s.catalog.T(p.Locale, key+".body", "name", p.DisplayName, "meeting", m.Title, "when", when, "where", where, "link", link)}
}

// SendMeetingReminders mails everyone registered for a meeting in the next
// 24 hours, once (the engine runs it every hour).
func (s *Server) SendMeetingReminders(ctx context.Context) (int, error) {
	n, err := s.store.SendMeetingReminders(ctx, 24*time.Hour, func(p core.Participant, m core.Meeting) core.Mail {
		return s.meetingMail(p, m, "mail.meeting.reminder", s.link(meetingPath(m.ID)))
	})
	if n > 0 {
		s.mailPoke()
	}
	return n, err
}

// meetingsCalendar is the iCalendar feed of published meetings: coming ones and
// those of the last 90 days.
func (s *Server) meetingsCalendar(c *gin.Context) {
	list, err := s.store.Meetings(c.Request.Context(), postgres.MeetingFilter{EndsAfter: s.now().AddDate(0, 0, -90), Limit: 500})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeCalendar(c, s.catalog.T(langOf(c), "meetings.calendar_name", "commune", s.cfg.Commune.Name), "quartier-events.ics", list)
}

// meetingCalendar is one meeting as an iCalendar file.
func (s *Server) meetingCalendar(c *gin.Context) {
	m, ok := s.loadMeeting(c)
	if !ok {
		return
	}
	s.writeCalendar(c, m.In(langOf(c)).Title, "event-"+strconv.FormatInt(m.ID, 10)+".ics", []core.Meeting{m})
}

// writeCalendar answers list as an iCalendar file named name, each meeting in
// the caller's language where staff translated it.
func (s *Server) writeCalendar(c *gin.Context, name, file string, list []core.Meeting) {
	host := "quartier"
	if u, err := url.Parse(s.link("/")); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	var cal calendar
	cal.begin(name, string(langOf(c)))
	for _, m := range list {
		cal.event(m.In(langOf(c)), host, s.link(meetingPath(m.ID)))
	}
	c.Header("Content-Disposition", `inline; filename="`+file+`"`)
	c.Header("Cache-Control", "public, max-age=300")
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", []byte(cal.end()))
}
