package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// Commune is how flyers present the commune.
type Commune struct {
	Name     string // "Commune d'Ettelbruck"; empty: the site's host name
	Logo     []byte // PNG or JPEG, nil for none
	LogoType string // "PNG" or "JPG"
	Contact  string // e-mail address for questions about the platform; "" for none
	DPO      string // e-mail address of the commune's data protection officer; "" for none
}

// campaignAddresses returns the consultation target's addresses in walking
// order, with each street's letterbox count.
func (s *Server) campaignAddresses(ctx context.Context, k core.Consultation) ([]core.Address, []int, error) {
	if k.TargetID == 0 {
		return nil, nil, core.Conflict("error.campaign_needs_target")
	}
	ids, err := s.targetAddresses(ctx, k.TargetID)
	if err != nil {
		return nil, nil, err
	}
	addrs, err := s.store.AddressesByID(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	counts := core.WalkingOrder(addrs)
	return addrs, counts, nil
}

// staffDistribution downloads the distribution list (CSV or XLSX): every
// letterbox of the target in walking order, with its street's count.
func (s *Server) staffDistribution(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	addrs, counts, err := s.campaignAddresses(c.Request.Context(), k)
	if err != nil {
		s.fail(c, err)
		return
	}
	lang := langOf(c)
	t := func(key string) any { return s.catalog.T(lang, key) }
	rows := [][]any{{t("campaign.order"), t("export.street"), t("export.number"), t("export.postcode"), t("export.locality"),
		t("campaign.street_letterboxes"), "id_caclr_bat"}}
	for i, a := range addrs {
		rows = append(rows, []any{i + 1, a.Street, a.Number, a.Postcode, a.Locality, counts[i], a.ID})
	}
	base := "quartier-distribution-" + strconv.FormatInt(k.ID, 10) + "-" + slug(k.Title)
	sendTable(c, s, c.Param("format"), base, "Distribution", rows)
}

// flyerDir is where finished flyer PDFs wait for download (they may carry
// residence codes: readable by this process's user only, removed after a
// day): Config.FlyerDir, or a folder of this user in the system's temporary
// directory (another user's would be closed to it).
func (s *Server) flyerDir() string {
	if s.cfg.FlyerDir != "" {
		return s.cfg.FlyerDir
	}
	return filepath.Join(os.TempDir(), "quartier-flyers-"+strconv.Itoa(os.Getuid()))
}

const flyerKeep = 24 * time.Hour

// flyerPath is the file of run r. Its name carries the run's start to the
// microsecond besides its number, so that two installations sharing a folder
// (two communes on one host, the tests) never serve each other's flyers.
func (s *Server) flyerPath(r postgres.FlyerRun) string {
	return filepath.Join(s.flyerDir(), fmt.Sprintf("flyers-%d-%d.pdf", r.ID, r.StartedAt.UnixMicro()))
}

// KeepFlyersSwept removes the flyer PDFs older than a day now and then every
// hour until ctx ends, so that printed residence codes do not outlive their
// day when no new run starts (each server its own folder's files).
func (s *Server) KeepFlyersSwept(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		s.sweepFlyers(s.now())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweepFlyers removes flyer files older than a day.
func (s *Server) sweepFlyers(now time.Time) {
	dir := s.flyerDir()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil && strings.HasPrefix(e.Name(), "flyers-") && now.Sub(info.ModTime()) > flyerKeep {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// communeName is the commune as the site names it: the configured name, or
// the public address's host.
func (s *Server) communeName() string {
	if s.cfg.Commune.Name != "" {
		return s.cfg.Commune.Name
	}
	return s.cfg.PublicURL.Host
}

// flyerLanguages reads the flyer form's languages: the first (the
// consultation's own by default) and, for a bilingual flyer, a second one.
func flyerLanguages(c *gin.Context, k core.Consultation) []core.Language {
	first, ok := core.ParseLanguage(c.PostForm("flyer_lang"))
	if !ok {
		first = k.Language
	}
	if second, ok := core.ParseLanguage(c.PostForm("flyer_lang2")); ok && second != first {
		return []core.Language{first, second}
	}
	return []core.Language{first}
}

// flyerText fills the shared text of a consultation's flyers in langs (one,
// or two for a bilingual flyer: the second's title and summary follow the
// first's, the other words are joined), the consultation's own words in each
// language where staff translated them.
func (s *Server) flyerText(langs []core.Language, k core.Consultation, paper string) flyerDoc {
	validUntil := k.ClosesAt.Add(core.ResidenceCodeTTL).In(communeZone).Format("02.01.2006")
	from, to := k.OpensAt.In(communeZone).Format("02.01.2006"), k.ClosesAt.In(communeZone).Format("02.01.2006")
	// The summaries end above the QR block, on A5 too: two languages share
	// less than the room of one.
	room := 700
	if len(langs) > 1 {
		room = 300
	}
	// Quartier's own words, each language in turn: sentences on lines of
	// their own, labels side by side (the date fills flyer.code_valid; the
	// other keys take no argument).
	words := func(sep string, keys ...string) string {
		out := make([]string, len(langs))
		for i, l := range langs {
			parts := make([]string, len(keys))
			for j, key := range keys {
				parts[j] = s.catalog.T(l, key, "date", validUntil)
			}
			out[i] = strings.Join(parts, " ")
		}
		return strings.Join(out, sep)
	}
	short := strings.TrimPrefix(strings.TrimPrefix(s.link("/c/"+strconv.FormatInt(k.ID, 10)), "https://"), "http://")
	doc := flyerDoc{Paper: paper, Lang: langs[0], Commune: s.communeName(), Logo: s.cfg.Commune.Logo, LogoType: s.cfg.Commune.LogoType, ShortURL: short,
		Invite: words("\n", "flyer.invite"), CodeLabel: words(" / ", "flyer.code_label"), ForLabel: words(" / ", "flyer.for"),
		CodeNote: words("\n", "flyer.code_valid", "flyer.code_hint")}
	for _, l := range langs {
		read := k.In(l)
		summary := core.HTMLText(read.Description)
		if r := []rune(summary); len(r) > room {
			summary = string(r[:room-1]) + "…"
		}
		doc.Texts = append(doc.Texts, flyerWords{Title: read.Title, Summary: summary,
			Dates: s.catalog.T(l, "flyer.dates", "from", from, "to", to)})
	}
	return doc
}

// staffStartFlyers starts a flyer run in the background and sends the browser
// to its progress page. With codes, every letterbox of the target gets a new
// code (earlier unredeemed codes are revoked) and its own page.
func (s *Server) staffStartFlyers(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	paper := c.PostForm("paper")
	if paper != "A4" && paper != "A5" {
		s.fail(c, core.Invalid("paper", "error.flyer_paper"))
		return
	}
	withCodes := c.PostForm("codes") == "on"
	addrs, _, err := s.campaignAddresses(ctx, k)
	if err != nil {
		s.fail(c, err)
		return
	}
	if len(addrs) == 0 {
		s.fail(c, core.Conflict("error.campaign_empty"))
		return
	}
	total := 1
	if withCodes {
		total = len(addrs)
	}
	actor := userOf(c).ID
	run, err := s.store.StartFlyerRun(ctx, actor, k.ID, paper, withCodes, total)
	if err != nil {
		s.fail(c, err)
		return
	}
	doc := s.flyerText(flyerLanguages(c, k), k, paper)
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Minute)
	go func() {
		defer cancel()
		msg := ""
		if err := s.writeFlyerRun(bg, actor, run, k, doc, addrs, withCodes); err != nil {
			s.log.Error("flyer run failed", "run", run.ID, "err", err)
			msg = err.Error()
		}
		if err := s.store.FinishFlyerRun(bg, run.ID, msg); err != nil {
			s.log.Error("flyer run not recorded", "run", run.ID, "err", err)
		}
	}()
	c.Redirect(http.StatusSeeOther, "/staff/flyers/"+strconv.FormatInt(run.ID, 10))
}

func (s *Server) writeFlyerRun(ctx context.Context, actor int64, run postgres.FlyerRun, k core.Consultation, doc flyerDoc, addrs []core.Address, withCodes bool) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("flyer run panicked: %v", v)
		}
	}()
	flyers := []flyer{{URL: s.link("/c/" + strconv.FormatInt(k.ID, 10))}}
	if withCodes {
		ids := make([]int64, len(addrs))
		for i, a := range addrs {
			ids[i] = a.ID
		}
		codes, err := s.store.IssueResidenceCodes(ctx, actor, k.ID, ids, k.ClosesAt.Add(core.ResidenceCodeTTL))
		if err != nil {
			return err
		}
		flyers = make([]flyer, len(addrs))
		for i, a := range addrs {
			flyers[i] = flyer{Address: a.Label(), Code: codes[i].Printed, URL: s.codeURL(k.ID, codes[i].Printed)}
		}
	}
	if err := os.MkdirAll(s.flyerDir(), 0o700); err != nil {
		return err
	}
	tmp := s.flyerPath(run) + ".part"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	err = writeFlyers(f, doc, flyers, func(done int) {
		if perr := s.store.FlyerProgress(ctx, run.ID, done); perr != nil {
			s.log.Warn("flyer progress not recorded", "run", run.ID, "err", perr)
		}
	})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp, s.flyerPath(run))
}

// staffFlyerRun shows a run's progress (the page refreshes itself while it runs).
func (s *Server) staffFlyerRun(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("run"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.flyer_run_not_found"))
		return
	}
	r, err := s.store.FlyerRun(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	_, statErr := os.Stat(s.flyerPath(r))
	percent := 0
	if r.Total > 0 {
		percent = r.Done * 100 / r.Total
	}
	s.render(c, http.StatusOK, "staff_flyers", map[string]any{"Run": r, "Running": r.Status == "running", "Percent": percent,
		"Available": r.Status == "done" && statErr == nil})
}

// staffFlyerPDF downloads a finished run's PDF.
func (s *Server) staffFlyerPDF(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("run"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.flyer_run_not_found"))
		return
	}
	r, err := s.store.FlyerRun(c.Request.Context(), id)
	if err == nil && r.Status != "done" {
		err = core.NotFound("error.flyer_run_not_found")
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	path := s.flyerPath(r)
	if _, err := os.Stat(path); err != nil { // swept after a day, or another folder
		s.fail(c, core.NotFound("campaign.expired"))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.FileAttachment(path, "quartier-flyers-"+strconv.FormatInt(r.ConsultationID, 10)+"-"+strconv.FormatInt(r.ID, 10)+".pdf")
}

// staffReprint revokes the code of one address and answers a one-page PDF with
// a new code, for a lost or damaged flyer.
func (s *Server) staffReprint(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	addrs, _, err := s.campaignAddresses(ctx, k)
	if err != nil {
		s.fail(c, err)
		return
	}
	id, _ := strconv.ParseInt(c.PostForm("address_id"), 10, 64)
	var addr *core.Address
	for i := range addrs {
		if addrs[i].ID == id {
			addr = &addrs[i]
		}
	}
	if addr == nil {
		s.builderPage(c, http.StatusUnprocessableEntity, k, frameForm(k), core.Invalid("address_id", "error.reprint_outside"))
		return
	}
	actor := userOf(c).ID
	if _, err := s.store.RevokeResidenceCodes(ctx, actor, k.ID, addr.ID); err != nil {
		s.fail(c, err)
		return
	}
	codes, err := s.store.IssueResidenceCodes(ctx, actor, k.ID, []int64{addr.ID}, k.ClosesAt.Add(core.ResidenceCodeTTL))
	if err != nil {
		s.fail(c, err)
		return
	}
	var buf bytes.Buffer
	doc := s.flyerText(flyerLanguages(c, k), k, "A4")
	if err := writeFlyers(&buf, doc, []flyer{{Address: addr.Label(), Code: codes[0].Printed, URL: s.codeURL(k.ID, codes[0].Printed)}}, nil); err != nil {
		s.fail(c, core.Internalf("write flyer: %w", err))
		return
	}
	sendFile(c, "quartier-flyer-"+strconv.FormatInt(k.ID, 10)+"-"+strconv.FormatInt(addr.ID, 10)+".pdf", "application/pdf", buf.Bytes())
}

// shortLink is the short URL printed on flyers: /c/12 (with ?code=... from a QR
// code) leads to the consultation or to its code form.
func (s *Server) shortLink(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.consultation_not_found"))
		return
	}
	to := "/consultations/" + strconv.FormatInt(id, 10)
	if code := c.Query("code"); code != "" {
		to = s.codeURL(id, code)
	}
	c.Redirect(http.StatusFound, to)
}

// invitationAudience are the confirmed accounts living in the consultation's
// target that accept invitations.
func (s *Server) invitationAudience(ctx context.Context, k core.Consultation) ([]postgres.Recipient, error) {
	if k.TargetID == 0 {
		return nil, core.Conflict("error.campaign_needs_target")
	}
	ids, err := s.targetAddresses(ctx, k.TargetID)
	if err != nil {
		return nil, err
	}
	return s.store.Recipients(ctx, postgres.SubscriptionInvitations, append([]int64{}, ids...))
}

// staffInvite mails an invitation to every resident of the target with an
// account who accepts invitations and was not invited before.
func (s *Server) staffInvite(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if k.PhaseAt(s.now()) != core.ConsultationOpen && k.PhaseAt(s.now()) != core.ConsultationUpcoming {
		s.builderPage(c, http.StatusConflict, k, frameForm(k), core.Conflict("error.invite_not_published"))
		return
	}
	audience, err := s.invitationAudience(ctx, k)
	if err != nil {
		s.fail(c, err)
		return
	}
	link := s.link("/consultations/" + strconv.FormatInt(k.ID, 10))
	titles := map[core.Language]string{} // each invitation names the consultation in its reader's language
	for _, l := range core.Languages {
		titles[l] = k.In(l).Title
	}
	_, err = s.store.InviteToConsultation(ctx, userOf(c).ID, k.ID, audience, func(r postgres.Recipient) core.Mail {
		t := func(key string, args ...any) string { return s.catalog.T(r.Locale, key, args...) }
		title, ok := titles[r.Locale]
		if !ok {
			title = k.Title
		}
		body := t("invite.body", "title", title, "from", k.OpensAt.In(communeZone).Format("02.01.2006"),
			"to", k.ClosesAt.In(communeZone).Format("02.01.2006"), "link", link) + s.mailFooter(r.Locale, r.ID, postgres.SubscriptionInvitations)
		return core.Mail{To: r.Email, Subject: t("invite.subject", "title", title), Body: body,
			Unsubscribe: s.unsubscribeURL(r.ID, postgres.SubscriptionInvitations)}
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.redirectWithFlash(c, staffConsultationPath(k.ID)+"#campaign", "flash.invitations_sent")
}
