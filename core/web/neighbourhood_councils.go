package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// councils lists the neighbourhood councils.
func (s *Server) councils(c *gin.Context) {
	list, err := s.store.Councils(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "councils", map[string]any{"All": list})
}

func councilPath(id int64) string { return "/councils/" + strconv.FormatInt(id, 10) }

func (s *Server) loadCouncil(c *gin.Context) (core.NeighbourhoodCouncil, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.council_not_found"))
		return core.NeighbourhoodCouncil{}, false
	}
	nc, err := s.store.Council(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return nc, false
	}
	return nc, true
}

// volunteerBlock says why u may not volunteer ("" when they may): only
// residents of the council's target (of the commune when it has none).
func (s *Server) volunteerBlock(ctx context.Context, u *core.Participant, nc core.NeighbourhoodCouncil) (string, int64, error) {
	switch {
	case u == nil:
		return "councils.block_login", 0, nil
	case !u.Verified():
		return "councils.block_unverified", 0, nil
	}
	home, err := s.store.HomeAddress(ctx, u.ID)
	if core.CodeOf(err) == core.CodeNotFound {
		return "councils.block_no_address", 0, nil
	}
	if err != nil {
		return "", 0, err
	}
	if nc.TargetID == 0 {
		return "", home.StreetID, nil
	}
	ids, err := s.targetAddresses(ctx, nc.TargetID)
	if err != nil {
		return "", 0, err
	}
	if _, in := slices.BinarySearch(ids, home.ID); !in {
		return "councils.block_outside", 0, nil
	}
	return "", home.StreetID, nil
}

// drawView is a recorded draw as the council page shows it: volunteers by
// number and street (no names), the drawn numbers.
type drawView struct {
	core.StoredDraw
	Rows   []drawRow
	Quotas []streetQuota
}

type drawRow struct {
	Number int
	Street string
	Drawn  bool
}

type streetQuota struct {
	Street string
	Seats  int
}

func (s *Server) drawViews(ctx context.Context, draws []core.StoredDraw) ([]drawView, error) {
	var ids []int64
	for _, d := range draws {
		for _, v := range d.Volunteers {
			ids = append(ids, v.StreetID)
		}
	}
	streets, err := s.store.StreetsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	name := func(id int64) string {
		if st, ok := streets[id]; ok {
			return st.Name
		}
		return "—"
	}
	var out []drawView
	for _, d := range draws {
		v := drawView{StoredDraw: d}
		drawn := map[int64]bool{}
		for _, p := range d.Drawn {
			drawn[p] = true
		}
		for i, vol := range d.Volunteers {
			v.Rows = append(v.Rows, drawRow{Number: i + 1, Street: name(vol.StreetID), Drawn: drawn[vol.ParticipantID]})
		}
		for street, n := range d.Quotas {
			v.Quotas = append(v.Quotas, streetQuota{Street: name(street), Seats: n})
		}
		slices.SortFunc(v.Quotas, func(a, b streetQuota) int { return strings.Compare(a.Street, b.Street) })
		out = append(out, v)
	}
	return out, nil
}

// council shows a council: members, how to volunteer, its meetings,
// documents, proposals and the record of every draw.
func (s *Server) council(c *gin.Context) {
	nc, ok := s.loadCouncil(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	rec, err := s.store.CouncilRecordOf(ctx, nc.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	views, err := s.drawViews(ctx, rec.Draws)
	if err != nil {
		s.fail(c, err)
		return
	}
	nc = nc.In(langOf(c))
	data := map[string]any{"C": nc, "Members": rec.Members, "Documents": rec.Documents, "Ideas": rec.Proposals, "Meetings": rec.Meetings,
		"Draws": views, "Meta": s.metaOf(nc.Name, nc.Description, councilPath(nc.ID), "")}
	if u := userOf(c); u != nil {
		block, _, err := s.volunteerBlock(ctx, u, nc)
		if err != nil {
			s.fail(c, err)
			return
		}
		volunteer, err := s.store.IsVolunteer(ctx, nc.ID, u.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		member := slices.ContainsFunc(rec.Members, func(m core.CouncilMember) bool { return m.Participant.ID == u.ID })
		data["Block"], data["Volunteer"], data["Member"] = block, volunteer, member
	} else {
		data["Block"] = "councils.block_login"
	}
	s.render(c, http.StatusOK, "council", data)
}

// volunteer offers (action=join) or withdraws (action=leave) a resident's
// candidacy for the next draw.
func (s *Server) volunteer(c *gin.Context) {
	nc, ok := s.loadCouncil(c)
	if !ok {
		return
	}
	u := userOf(c)
	if err := s.allowFast(c, "support", s.cfg.Limits.APIWritePerUser, u.Email); err != nil {
		s.fail(c, err)
		return
	}
	on := c.PostForm("action") != "leave"
	street := int64(0)
	if on {
		block, st, err := s.volunteerBlock(c.Request.Context(), u, nc)
		if err == nil && block != "" {
			err = core.Forbidden(block)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		street = st
	}
	if err := s.store.SetVolunteer(c.Request.Context(), nc.ID, u.ID, street, on); err != nil {
		s.fail(c, err)
		return
	}
	flash := "flash.council_volunteered"
	if !on {
		flash = "flash.council_withdrawn"
	}
	s.redirectWithFlash(c, councilPath(nc.ID)+"#volunteer", flash)
}

// councilPropose submits an idea on behalf of the council (members only).
func (s *Server) councilPropose(c *gin.Context) {
	nc, ok := s.loadCouncil(c)
	if !ok {
		return
	}
	u, ok := s.contentAuthor(c)
	if !ok {
		return
	}
	in, err := core.IdeaInput{Title: c.PostForm("title"), Body: c.PostForm("body"), Channel: core.ChannelWeb}.Normalize()
	if err != nil {
		s.fail(c, err)
		return
	}
	idea, err := s.store.ProposeForCouncil(c.Request.Context(), u.ID, nc.ID, in, s.cfg.FollowUp.AnswerDays)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/ideas/"+strconv.FormatInt(idea, 10), "flash.council_proposed")
}

// staffNeighbourhoodCouncils lists the councils with the form to create one.
func (s *Server) staffNeighbourhoodCouncils(c *gin.Context) {
	s.staffCouncilsPage(c, http.StatusOK, map[string]string{"seats": "7", "stratified": "on"}, nil)
}

func (s *Server) staffCouncilsPage(c *gin.Context, status int, form map[string]string, err error) {
	ctx := c.Request.Context()
	list, lerr := s.store.Councils(ctx)
	targets, terr := s.store.Targets(ctx)
	if lerr != nil || terr != nil {
		s.fail(c, core.Internalf("read councils and targets: %v %v", lerr, terr))
		return
	}
	s.renderForm(c, status, "staff_councils", form, map[string]any{"All": list, "Targets": targets, "Languages": core.Languages}, err)
}

func councilFromForm(c *gin.Context) (core.NeighbourhoodCouncil, map[string]string, error) {
	form := map[string]string{}
	for _, k := range []string{"name", "description", "language", "target_id", "seats", "stratified"} {
		form[k] = c.PostForm(k)
	}
	nc := core.NeighbourhoodCouncil{Name: form["name"], Description: form["description"], Language: core.Language(form["language"]),
		Stratified: form["stratified"] == "on", Translations: postedTitledTexts(c, form, func(name, description string) core.CouncilText {
			return core.CouncilText{Name: name, Description: description}
		})}
	nc.TargetID, _ = strconv.ParseInt(form["target_id"], 10, 64)
	var err error
	if nc.Seats, err = strconv.Atoi(strings.TrimSpace(form["seats"])); err != nil {
		return nc, form, core.Invalid("seats", "error.council_seats")
	}
	nc, err = core.NormalizeCouncil(nc)
	return nc, form, err
}

func (s *Server) staffCreateCouncil(c *gin.Context) {
	nc, form, err := councilFromForm(c)
	if err == nil {
		nc.ID, err = s.store.SaveCouncil(c.Request.Context(), userOf(c).ID, nc)
	}
	if core.CodeOf(err) == core.CodeInvalid {
		s.staffCouncilsPage(c, http.StatusUnprocessableEntity, form, err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/staff/councils/"+strconv.FormatInt(nc.ID, 10), "flash.council_saved")
}

// staffNeighbourhoodCouncil is a council's back office: members, volunteers, drawing lots,
// documents.
func (s *Server) staffNeighbourhoodCouncil(c *gin.Context) {
	nc, ok := s.loadCouncil(c)
	if !ok {
		return
	}
	s.staffCouncilPage(c, http.StatusOK, nc, councilForm(nc), nil)
}

// councilForm is the council form filled from a stored council.
func councilForm(nc core.NeighbourhoodCouncil) map[string]string {
	form := map[string]string{"name": nc.Name, "description": nc.Description, "language": string(nc.Language),
		"target_id": strconv.FormatInt(nc.TargetID, 10), "seats": strconv.Itoa(nc.Seats), "stratified": map[bool]string{true: "on"}[nc.Stratified]}
	titledTextsForm(form, nc.Translations, func(t core.CouncilText) (string, string) { return t.Name, t.Description })
	return form
}

func (s *Server) staffCouncilPage(c *gin.Context, status int, nc core.NeighbourhoodCouncil, form map[string]string, err error) {
	ctx := c.Request.Context()
	members, merr := s.store.CouncilMembers(ctx, nc.ID)
	volunteers, verr := s.store.CouncilVolunteers(ctx, nc.ID)
	targets, terr := s.store.Targets(ctx)
	if merr != nil || verr != nil || terr != nil {
		s.fail(c, core.Internalf("read council: %v %v %v", merr, verr, terr))
		return
	}
	if form["seed"] == "" {
		form["seed"] = newSeed()
	}
	drawn := 0
	for _, m := range members {
		if m.Role == core.CouncilDrawn {
			drawn++
		}
	}
	s.renderForm(c, status, "staff_council_page", form, map[string]any{"C": nc, "Members": members, "Volunteers": len(volunteers),
		"Free": max(0, nc.Seats-drawn), "Targets": targets, "Languages": core.Languages, "Outdated": outdatedIn(nc.Outdated)}, err)
}

// newSeed is a fresh seed staff may keep or replace (by a number drawn in
// public, say).
func newSeed() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) staffSaveCouncil(c *gin.Context) {
	old, ok := s.loadCouncil(c)
	if !ok {
		return
	}
	nc, form, err := councilFromForm(c)
	if err == nil {
		nc.ID = old.ID
		_, err = s.store.SaveCouncil(c.Request.Context(), userOf(c).ID, nc)
	}
	if core.CodeOf(err) == core.CodeInvalid {
		s.staffCouncilPage(c, http.StatusUnprocessableEntity, old, form, err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/staff/councils/"+strconv.FormatInt(old.ID, 10), "flash.council_saved")
}

// staffCouncilAction seats or removes a member, draws lots or publishes a
// document.
func (s *Server) staffCouncilAction(c *gin.Context) {
	nc, ok := s.loadCouncil(c)
	if !ok {
		return
	}
	ctx, actor := c.Request.Context(), userOf(c).ID
	var err error
	flash := "flash.council_saved"
	switch c.Param("action") {
	case "member":
		p, _, cerr := s.store.Credentials(ctx, strings.TrimSpace(c.PostForm("email")))
		if cerr != nil {
			err = core.Invalid("email", "error.council_no_such_account")
			break
		}
		err = s.store.SetCouncilMember(ctx, actor, nc.ID, p.ID, core.CouncilRole(c.PostForm("role")))
	case "remove":
		pid, _ := strconv.ParseInt(c.PostForm("participant_id"), 10, 64)
		err = s.store.RemoveCouncilMember(ctx, actor, nc.ID, pid)
	case "draw":
		err = s.drawLots(c, nc)
		flash = "flash.council_drawn"
	case "document":
		title := strings.TrimSpace(c.PostForm("title"))
		body := core.SanitizeHTML(c.PostForm("body"))
		if l := len([]rune(title)); l < 3 || l > 200 || strings.TrimSpace(core.HTMLText(body)) == "" {
			err = core.Invalid("title", "error.council_document")
			break
		}
		err = s.store.AddCouncilDocument(ctx, actor, nc.ID, title, body)
	default:
		err = core.NotFound("error.page_not_found")
	}
	if code := core.CodeOf(err); code == core.CodeInvalid || code == core.CodeConflict {
		form := councilForm(nc)
		for _, k := range []string{"seed", "email", "title", "body"} {
			form[k] = c.PostForm(k)
		}
		s.staffCouncilPage(c, http.StatusUnprocessableEntity, nc, form, err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/staff/councils/"+strconv.FormatInt(nc.ID, 10), flash)
}

// drawLots fills the council's free seats by lot from its volunteers, with the
// seed staff gave, stratified by street in proportion to the letterboxes of
// each street of the council's target when the council says so.
func (s *Server) drawLots(c *gin.Context, nc core.NeighbourhoodCouncil) error {
	ctx := c.Request.Context()
	seed := strings.TrimSpace(c.PostForm("seed"))
	if l := len(seed); l < 4 || l > 200 {
		return core.Invalid("seed", "error.council_seed")
	}
	members, err := s.store.CouncilMembers(ctx, nc.ID)
	if err != nil {
		return err
	}
	free := nc.Seats
	for _, m := range members {
		if m.Role == core.CouncilDrawn {
			free--
		}
	}
	if free <= 0 {
		return core.Conflict("error.council_full")
	}
	volunteers, err := s.store.CouncilVolunteers(ctx, nc.ID)
	if err != nil {
		return err
	}
	if len(volunteers) == 0 {
		return core.Conflict("error.council_no_volunteers")
	}
	var population map[int64]int
	if nc.Stratified && nc.TargetID != 0 {
		t, err := s.store.Target(ctx, nc.TargetID)
		if err != nil {
			return err
		}
		g, err := s.geography(ctx)
		if err != nil {
			return err
		}
		population = g.register.Resolve(t.Definition, g).PerStreet
	}
	d := core.DrawLots(seed, free, volunteers, nc.Stratified, population)
	_, err = s.store.RecordDraw(ctx, userOf(c).ID, nc.ID, d)
	return err
}
