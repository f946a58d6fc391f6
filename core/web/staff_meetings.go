package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/core/postgres"
)

// meetingFields are the form fields of a meeting.
var meetingFields = []string{"title", "description", "language", "kind", "project_id", "council_id", "starts_at", "ends_at", "location", "address", "lat", "lon", "online_url", "capacity"}

// staffMeetings lists every meeting, drafts included, with the form to plan one.
func (s *Server) staffMeetings(c *gin.Context) {
	start := s.now().In(communeZone).AddDate(0, 0, 14).Truncate(time.Hour).Add(18 * time.Hour)
	start = time.Date(start.Year(), start.Month(), start.Day(), 19, 0, 0, 0, communeZone)
	form := map[string]string{"kind": string(core.MeetingPublic), "starts_at": start.Format(dateTimeLocal),
		"ends_at": start.Add(2 * time.Hour).Format(dateTimeLocal), "capacity": "0"}
	s.meetingsPage(c, http.StatusOK, form, nil)
}

func (s *Server) meetingsPage(c *gin.Context, status int, form map[string]string, err error) {
	all, lerr := s.store.Meetings(c.Request.Context(), postgres.MeetingFilter{Drafts: true, EndsAfter: s.now().AddDate(-1, 0, 0)})
	if lerr != nil {
		s.fail(c, lerr)
		return
	}
	s.meetingFormPage(c, "staff_meetings", status, form, map[string]any{"All": all}, err)
}

// meetingFormPage renders a page with the meeting form (its project choices
// come along).
func (s *Server) meetingFormPage(c *gin.Context, name string, status int, form map[string]string, data map[string]any, err error) {
	projects, _, perr := s.store.Projects(c.Request.Context(), postgres.ProjectFilter{Limit: 500})
	councils, cerr := s.store.Councils(c.Request.Context())
	if perr != nil || cerr != nil {
		s.fail(c, core.Internalf("read projects and councils: %v %v", perr, cerr))
		return
	}
	data["Projects"], data["Councils"], data["Kinds"], data["Languages"] = projects, councils, core.MeetingKinds, core.Languages
	s.renderForm(c, status, name, form, data, err)
}

// meetingFromForm reads the meeting form; an address from the register places
// the meeting on the map when no coordinates are given.
func (s *Server) meetingFromForm(c *gin.Context) (core.Meeting, map[string]string, error) {
	form := map[string]string{}
	for _, k := range meetingFields {
		form[k] = c.PostForm(k)
	}
	m := core.Meeting{Title: form["title"], Description: form["description"], Language: core.Language(form["language"]),
		Kind: core.MeetingKind(form["kind"]), Location: form["location"], OnlineURL: form["online_url"],
		Translations: postedTitledTexts(c, form, func(title, description string) core.MeetingText {
			return core.MeetingText{Title: title, Description: description}
		})}
	m.ProjectID, _ = strconv.ParseInt(form["project_id"], 10, 64)
	m.CouncilID, _ = strconv.ParseInt(form["council_id"], 10, 64)
	var err error
	if m.Capacity, err = strconv.Atoi(strings.TrimSpace(form["capacity"])); err != nil && strings.TrimSpace(form["capacity"]) != "" {
		return m, form, core.Invalid("capacity", "error.meeting_capacity")
	}
	if m.StartsAt, err = time.ParseInLocation(dateTimeLocal, form["starts_at"], communeZone); err != nil {
		return m, form, core.Invalid("starts_at", "error.meeting_times")
	}
	if m.EndsAt, err = time.ParseInLocation(dateTimeLocal, form["ends_at"], communeZone); err != nil {
		return m, form, core.Invalid("ends_at", "error.meeting_times")
	}
	lon, err1 := parseNumber(form["lon"])
	lat, err2 := parseNumber(form["lat"])
	if err1 == nil && err2 == nil {
		m.Point, m.HasPoint = orb.Point{lon, lat}, true
	} else if strings.TrimSpace(form["lon"]+form["lat"]) != "" {
		return m, form, core.Invalid("location", "error.position_invalid")
	}
	if q := strings.TrimSpace(form["address"]); q != "" && !m.HasPoint {
		found, err := s.store.SearchAddresses(c.Request.Context(), q, 1)
		if err != nil {
			return m, form, err
		}
		if len(found) == 0 || !found[0].HasPoint {
			return m, form, core.Invalid("address", "address.none")
		}
		m.Point, m.HasPoint = found[0].Point, true
		if strings.TrimSpace(m.Location) == "" {
			m.Location = found[0].Label()
		}
	}
	m, err = core.NormalizeMeeting(m)
	return m, form, err
}

// outcomeFields are the outcome form's fields: the outcome and its translations.
func outcomeFields() []string {
	fields := []string{"outcome"}
	for _, l := range core.Languages {
		fields = append(fields, "outcome_"+string(l))
	}
	return fields
}

// meetingForm fills the form from a stored meeting.
func meetingForm(m core.Meeting) map[string]string {
	f := map[string]string{"title": m.Title, "description": m.Description, "language": string(m.Language), "kind": string(m.Kind),
		"project_id": strconv.FormatInt(m.ProjectID, 10), "council_id": strconv.FormatInt(m.CouncilID, 10), "starts_at": m.StartsAt.In(communeZone).Format(dateTimeLocal),
		"ends_at": m.EndsAt.In(communeZone).Format(dateTimeLocal), "location": m.Location, "online_url": m.OnlineURL,
		"capacity": strconv.Itoa(m.Capacity), "outcome": m.Outcome}
	titledTextsForm(f, m.Translations, func(t core.MeetingText) (string, string) { return t.Title, t.Description })
	for l, t := range m.Translations {
		f["outcome_"+string(l)] = t.Outcome
	}
	if m.HasPoint {
		f["lat"], f["lon"] = strconv.FormatFloat(m.Point.Lat(), 'f', 6, 64), strconv.FormatFloat(m.Point.Lon(), 'f', 6, 64)
	}
	return f
}

func staffMeetingPath(id int64) string { return "/staff/events/" + strconv.FormatInt(id, 10) }

func (s *Server) staffCreateMeeting(c *gin.Context) {
	m, form, err := s.meetingFromForm(c)
	if err == nil {
		m.ID, err = s.store.SaveMeeting(c.Request.Context(), userOf(c).ID, m, nil)
	}
	if core.CodeOf(err) == core.CodeInvalid {
		s.meetingsPage(c, http.StatusUnprocessableEntity, form, err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, staffMeetingPath(m.ID), "flash.meeting_saved")
}

func (s *Server) loadStaffMeeting(c *gin.Context) (core.Meeting, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.meeting_not_found"))
		return core.Meeting{}, false
	}
	m, err := s.store.Meeting(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return m, false
	}
	return m, true
}

// staffMeeting is a meeting's back office: its details, publication, the
// registrations and, afterwards, the outcome.
func (s *Server) staffMeeting(c *gin.Context) {
	m, ok := s.loadStaffMeeting(c)
	if !ok {
		return
	}
	s.staffMeetingPage(c, http.StatusOK, m, meetingForm(m), nil)
}

func (s *Server) staffMeetingPage(c *gin.Context, status int, m core.Meeting, form map[string]string, err error) {
	regs, rerr := s.store.MeetingRegistrations(c.Request.Context(), m.ID)
	if rerr != nil {
		s.fail(c, rerr)
		return
	}
	s.meetingFormPage(c, "staff_meeting", status, form, map[string]any{"M": m, "Registrations": regs, "Started": !s.now().Before(m.StartsAt),
		"Outdated": outdatedIn(m.Outdated), "OutcomeOutdated": outdatedIn(m.OutcomeOutdated)}, err)
}

func (s *Server) staffSaveMeeting(c *gin.Context) {
	old, ok := s.loadStaffMeeting(c)
	if !ok {
		return
	}
	m, form, err := s.meetingFromForm(c)
	if err == nil {
		m.ID = old.ID
		link := s.link(meetingPath(old.ID))
		_, err = s.store.SaveMeeting(c.Request.Context(), userOf(c).ID, m, func(p core.Participant, m core.Meeting) core.Mail {
			return s.meetingMail(p, m, "mail.meeting.promoted", link)
		})
	}
	if code := core.CodeOf(err); code == core.CodeInvalid || code == core.CodeNotFound {
		stored := meetingForm(old)
		for _, key := range outcomeFields() {
			form[key] = stored[key]
		}
		s.staffMeetingPage(c, http.StatusUnprocessableEntity, old, form, err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.redirectWithFlash(c, staffMeetingPath(old.ID), "flash.meeting_saved")
}

// staffMeetingAction publishes, cancels or records the outcome of a meeting.
func (s *Server) staffMeetingAction(c *gin.Context) {
	m, ok := s.loadStaffMeeting(c)
	if !ok {
		return
	}
	ctx, actor, link := c.Request.Context(), userOf(c).ID, s.link(meetingPath(m.ID))
	var err error
	flash := "flash.meeting_saved"
	switch c.Param("action") {
	case "publish":
		err, flash = s.store.PublishMeeting(ctx, actor, m.ID), "flash.meeting_published"
	case "cancel":
		err = s.store.CancelMeeting(ctx, actor, m.ID, func(p core.Participant, m core.Meeting) core.Mail {
			return s.meetingMail(p, m, "mail.meeting.called_off", link)
		})
		flash = "flash.meeting_called_off"
	case "outcome":
		outcome := core.SanitizeHTML(c.PostForm("outcome"))
		translations, terr := core.NormalizeOutcomeTranslations(postedInEachLanguage(c, "outcome_"), m.Language)
		switch {
		case len(outcome) > core.MaxRichTextBytes:
			err = core.Invalid("outcome", "error.meeting_outcome")
		case terr != nil:
			err = terr
		default:
			err = s.store.SetMeetingOutcome(ctx, actor, m.ID, outcome, translations, func(p core.Participant, m core.Meeting) core.Mail {
				return s.meetingMail(p, m, "mail.meeting.outcome", link)
			})
		}
		flash = "flash.meeting_outcome"
	default:
		err = core.NotFound("error.page_not_found")
	}
	if core.CodeOf(err) == core.CodeInvalid {
		form := meetingForm(m)
		for _, key := range outcomeFields() {
			form[key] = c.PostForm(key)
		}
		s.staffMeetingPage(c, http.StatusUnprocessableEntity, m, form, err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.redirectWithFlash(c, staffMeetingPath(m.ID), flash)
}

// staffMeetingRegistrations downloads the sign-in sheet (CSV or XLSX): who is
// registered and who waits, in order.
func (s *Server) staffMeetingRegistrations(c *gin.Context) {
	m, ok := s.loadStaffMeeting(c)
	if !ok {
		return
	}
	regs, err := s.store.MeetingRegistrations(c.Request.Context(), m.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	l := langOf(c)
	rows := [][]any{{s.catalog.T(l, "meetings.col_name"), s.catalog.T(l, "meetings.col_email"), s.catalog.T(l, "meetings.col_status"),
		s.catalog.T(l, "meetings.col_since")}}
	for _, r := range regs {
		name, email := r.Participant.DisplayName, r.Participant.Email
		if r.Participant.Deleted() {
			name, email = s.catalog.T(l, "participant.former"), ""
		}
		rows = append(rows, []any{name, email, s.catalog.T(l, "meetings.status_"+string(r.Status)),
			r.CreatedAt.In(communeZone).Format("2006-01-02 15:04")})
	}
	sendTable(c, s, c.Param("format"), "event-"+strconv.FormatInt(m.ID, 10)+"-registrations", s.catalog.T(l, "meetings.registrations"), rows)
}
