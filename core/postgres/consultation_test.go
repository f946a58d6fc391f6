package postgres_test

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
	"quartier/geo"
)

// openSurvey creates and publishes a survey, open since an hour, with a single
// choice, a ranking and a free-text question.
func openSurvey(t *testing.T, s *postgres.Store, staff int64) core.Consultation {
	t.Helper()
	now := time.Now()
	c, err := core.NormalizeConsultation(core.Consultation{Kind: core.KindSurvey, Title: "Place du marché",
		Eligibility: core.EligibleAnyone, OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.SaveConsultation(ctx, staff, c)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []core.Question{
		{Kind: core.QSingle, Prompt: "Quel usage ?", Required: true, Options: []core.Option{{Label: "Marché"}, {Label: "Parking"}, {Label: "Jardin"}}},
		{Kind: core.QRanking, Prompt: "Vos priorités", Options: []core.Option{{Label: "Arbres"}, {Label: "Bancs"}, {Label: "Jeux"}}},
		{Kind: core.QText, Prompt: "Autre chose ?"},
	} {
		nq, err := core.NormalizeQuestion(q)
		if err == nil {
			_, err = s.SaveQuestion(ctx, staff, id, nq)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PublishConsultation(ctx, staff, id, true); err != nil {
		t.Fatal(err)
	}
	full, err := s.Consultation(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return full
}

func tallyOf(t *testing.T, s *postgres.Store, c core.Consultation) map[int64]map[string]int64 {
	t.Helper()
	all, err := s.Tallies(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]map[string]int64{}
	for qid, ts := range all {
		out[qid] = map[string]int64{}
		for _, x := range ts {
			out[qid][x.Key] = x.Count
		}
	}
	return out
}

func submit(s *postgres.Store, c core.Consultation, who int64, answers map[int64]core.Answer) (bool, error) {
	valid, err := core.ValidateAnswers(c.Questions, answers)
	if err != nil {
		return false, err
	}
	return s.SubmitResponse(ctx, postgres.NewResponse{ConsultationID: c.ID, ParticipantID: who, Channel: core.ChannelWeb,
		Answers: valid, Questions: c.Questions})
}

func TestResponsesCountOncePerPersonAndEditsMoveTallies(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	c := openSurvey(t, s, staff.ID)
	if len(c.Questions) != 3 || len(c.Questions[0].Options) != 3 || c.Questions[1].Position != 2 {
		t.Fatalf("questions read back wrong: %+v", c.Questions)
	}
	single, ranking := c.Questions[0], c.Questions[1]
	market, parking := single.Options[0].ID, single.Options[1].ID
	resident := newAccount(t, s, "lea@example.lu", core.RoleCitizen)

	// Ten concurrent submissions of the same person (a double click, many times over).
	var wg sync.WaitGroup
	created := make(chan bool, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := submit(s, c, resident.ID, map[int64]core.Answer{single.ID: {Choices: []int64{market}, Given: true}})
			if err != nil {
				t.Error(err)
			}
			created <- ok
		}()
	}
	wg.Wait()
	close(created)
	n := 0
	for ok := range created {
		if ok {
			n++
		}
	}
	got := tallyOf(t, s, c)
	if n != 1 || got[single.ID][""] != 1 || got[single.ID][itoa(market)] != 1 {
		t.Fatalf("created %d times, tallies %v", n, got[single.ID])
	}
	// An edit moves the vote and adds a ranking.
	rank := []int64{ranking.Options[2].ID, ranking.Options[0].ID, ranking.Options[1].ID}
	if ok, err := submit(s, c, resident.ID, map[int64]core.Answer{
		single.ID:  {Choices: []int64{parking}, Given: true},
		ranking.ID: {Choices: rank, Given: true},
	}); err != nil || ok {
		t.Fatalf("edit: created %v, %v", ok, err)
	}
	got = tallyOf(t, s, c)
	if got[single.ID][itoa(market)] != 0 || got[single.ID][itoa(parking)] != 1 || got[single.ID][""] != 1 || got[ranking.ID][""] != 1 {
		t.Fatalf("after the edit: %v %v", got[single.ID], got[ranking.ID])
	}
	all, _ := s.Tallies(ctx, c.ID)
	for _, x := range all[ranking.ID] {
		if x.Key == itoa(rank[0]) && x.Points != 2 {
			t.Fatalf("first choice of a 3-option ranking earns 2 points, got %d", x.Points)
		}
	}
	again, err := s.Consultation(ctx, c.ID)
	if err != nil || again.ResponseCount != 1 {
		t.Fatalf("response count %d, %v", again.ResponseCount, err)
	}
	mine, _, err := s.MyResponse(ctx, c.ID, resident.ID)
	if err != nil || len(mine) != 2 || mine[single.ID].Choices[0] != parking {
		t.Fatalf("my response: %+v, %v", mine, err)
	}

	// Questions are frozen once answers exist.
	var e *core.Error
	q, _ := core.NormalizeQuestion(core.Question{Kind: core.QYesNo, Prompt: "Encore une ?"})
	if _, err := s.SaveQuestion(ctx, staff.ID, c.ID, q); !errors.As(err, &e) || e.Key != "error.questions_frozen" {
		t.Fatalf("question added after answers: %v", err)
	}
	if err := s.DeleteQuestion(ctx, staff.ID, c.ID, single.ID); !errors.As(err, &e) || e.Key != "error.questions_frozen" {
		t.Fatalf("question deleted after answers: %v", err)
	}
	frame := again
	frame.Kind, frame.ProjectID = core.KindPoll, 0
	if _, err := s.SaveConsultation(ctx, staff.ID, frame); !errors.As(err, &e) || e.Key != "error.consultation_frozen" {
		t.Fatalf("a survey with answers turned into a poll: %v", err)
	}
	frame = again
	frame.Eligibility = core.EligibleRegistered
	if _, err := s.SaveConsultation(ctx, staff.ID, frame); !errors.As(err, &e) || e.Key != "error.consultation_frozen" {
		t.Fatalf("eligibility changed after answers: %v", err)
	}
}

func TestAnswersRefusedWhenClosedUnknownOrOutOfRange(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	c := openSurvey(t, s, staff.ID)
	resident := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	var e *core.Error
	for name, answers := range map[string]map[int64]core.Answer{
		"unknown question": {c.Questions[0].ID: {Choices: []int64{c.Questions[0].Options[0].ID}, Given: true}, 999999: {Text: "x", Given: true}},
		"unknown option":   {c.Questions[0].ID: {Choices: []int64{c.Questions[1].Options[0].ID}, Given: true}},
		"two choices":      {c.Questions[0].ID: {Choices: []int64{c.Questions[0].Options[0].ID, c.Questions[0].Options[1].ID}, Given: true}},
		"required missing": {c.Questions[2].ID: {Text: "Bonjour", Given: true}},
		"partial ranking":  {c.Questions[0].ID: {Choices: []int64{c.Questions[0].Options[0].ID}, Given: true}, c.Questions[1].ID: {Choices: []int64{c.Questions[1].Options[0].ID}, Given: true}},
	} {
		if _, err := submit(s, c, resident.ID, answers); !errors.As(err, &e) || e.Code != core.CodeInvalid {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Closing the consultation: answers are refused and nothing is counted.
	closed := c
	closed.OpensAt, closed.ClosesAt = time.Now().Add(-48*time.Hour), time.Now().Add(-time.Minute)
	if _, err := s.SaveConsultation(ctx, staff.ID, closed); err != nil {
		t.Fatal(err)
	}
	if _, err := submit(s, c, resident.ID, map[int64]core.Answer{c.Questions[0].ID: {Choices: []int64{c.Questions[0].Options[0].ID}, Given: true}}); !errors.As(err, &e) || e.Key != "error.consultation_not_open" {
		t.Fatalf("answer after closing: %v", err)
	}
	if got := tallyOf(t, s, c); len(got) != 0 {
		t.Fatalf("refused answers were counted: %v", got)
	}
}

func TestResidenceCodeVerifiesHomeOnceAndOnlyForItsConsultation(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	if _, err := s.ImportAddresses(ctx, core.AddressImport{Source: geo.FormatCACLRCSV, Records: []geo.AddressRecord{
		{ID: 101, StreetID: 7, Street: "Grand-Rue", Number: "1", Postcode: "9050", Locality: "Ettelbruck", Commune: "Ettelbruck", Point: orb.Point{6.1, 49.85}, HasPoint: true},
		{ID: 102, StreetID: 7, Street: "Grand-Rue", Number: "3", Postcode: "9050", Locality: "Ettelbruck", Commune: "Ettelbruck", Point: orb.Point{6.1, 49.851}, HasPoint: true},
	}}); err != nil {
		t.Fatal(err)
	}
	c := openSurvey(t, s, staff.ID)
	other := openSurvey(t, s, staff.ID)
	codes, err := s.IssueResidenceCodes(ctx, staff.ID, c.ID, []int64{101, 102}, time.Now().Add(time.Hour))
	if err != nil || len(codes) != 2 {
		t.Fatalf("issue: %v %v", codes, err)
	}
	lea := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	tom := newAccount(t, s, "tom@example.lu", core.RoleCitizen)
	code, ok := core.NormalizeResidenceCode(codes[0].Printed)
	if !ok {
		t.Fatalf("printed code %q does not normalise", codes[0].Printed)
	}
	var e *core.Error
	if _, err := s.RedeemResidenceCode(ctx, lea.ID, other.ID, code); !errors.As(err, &e) || e.Key != "error.code_other_consultation" {
		t.Fatalf("code of another consultation: %v", err)
	}
	r, err := s.RedeemResidenceCode(ctx, lea.ID, c.ID, code)
	if err != nil || r.AddressID != codes[0].AddressID {
		t.Fatalf("redeem: %+v %v", r, err)
	}
	if addr, verified, _ := s.HomeVerification(ctx, lea.ID); !verified || addr != codes[0].AddressID {
		t.Fatalf("home not verified: %d %v", addr, verified)
	}
	if _, err := s.RedeemResidenceCode(ctx, lea.ID, c.ID, code); err != nil {
		t.Fatalf("a replayed link of the same resident should change nothing: %v", err)
	}
	if _, err := s.RedeemResidenceCode(ctx, tom.ID, c.ID, code); !errors.As(err, &e) || e.Key != "error.code_used" {
		t.Fatalf("second use: %v", err)
	}
	// A reprint revokes the unredeemed code of the second address.
	if n, err := s.RevokeResidenceCodes(ctx, staff.ID, c.ID, codes[1].AddressID); err != nil || n != 1 {
		t.Fatalf("revoke: %d %v", n, err)
	}
	second, _ := core.NormalizeResidenceCode(codes[1].Printed)
	if _, err := s.RedeemResidenceCode(ctx, tom.ID, c.ID, second); !errors.As(err, &e) || e.Key != "error.code_unknown" {
		t.Fatalf("revoked code: %v", err)
	}
	per, err := s.CodesPerStreet(ctx, c.ID)
	if err != nil || len(per) != 1 || per[0].Redeemed != 1 || per[0].Issued != 1 {
		t.Fatalf("per street: %+v %v", per, err)
	}
	// Choosing another address by hand drops the verification.
	if err := s.SetHomeAddress(ctx, lea.ID, 102); err != nil {
		t.Fatal(err)
	}
	if _, verified, _ := s.HomeVerification(ctx, lea.ID); verified {
		t.Fatal("verification survived a change of address")
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func TestPollHasOneQuestion(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	in, _ := core.ProjectInput{Title: "Place de la Gare", Summary: "Un projet", Body: "<p>Texte</p>"}.Normalize()
	project, err := s.SaveProject(ctx, staff.ID, 0, in)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	poll, _ := core.NormalizeConsultation(core.Consultation{Kind: core.KindPoll, ProjectID: project, Title: "Fermer la place ?",
		Eligibility: core.EligibleAnyone, OpensAt: now, ClosesAt: now.Add(time.Hour)})
	id, err := s.SaveConsultation(ctx, staff.ID, poll)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := core.NormalizeQuestion(core.Question{Kind: core.QYesNo, Prompt: "Fermer la place le samedi ?"})
	if _, err := s.SaveQuestion(ctx, staff.ID, id, q); err != nil {
		t.Fatal(err)
	}
	var e *core.Error
	if _, err := s.SaveQuestion(ctx, staff.ID, id, q); !errors.As(err, &e) || e.Key != "error.poll_one_question" {
		t.Fatalf("second poll question: %v", err)
	}
	// A survey of three questions (no answers yet) cannot become a poll either.
	survey := openSurvey(t, s, staff.ID)
	survey.Kind, survey.ProjectID = core.KindPoll, project
	if _, err := s.SaveConsultation(ctx, staff.ID, survey); !errors.As(err, &e) || e.Key != "error.poll_one_question" {
		t.Fatalf("a three-question survey turned into a poll: %v", err)
	}
}

func TestDeletingAnAccountWithItsContentErasesWhatItWrote(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	lea := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	tom := newAccount(t, s, "tom@example.lu", core.RoleCitizen)
	in, _ := core.IdeaInput{Title: "Un banc rue Neuve", Body: "Devant la boulangerie, pour les anciens.", Point: orb.Point{6.1, 49.85}, HasPoint: true}.Normalize()
	idea, err := s.CreateIdea(ctx, lea.ID, in, 60)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Support(ctx, idea, tom.ID, core.ChannelWeb, core.DefaultFollowUp); err != nil {
		t.Fatal(err)
	}
	tomsComment, err := s.AddComment(ctx, idea, 0, tom.ID, "Bonne idée.", core.ChannelWeb)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddComment(ctx, idea, tomsComment, lea.ID, "Merci Tom, j'habite au 12.", core.ChannelWeb); err != nil {
		t.Fatal(err)
	}
	c := openSurvey(t, s, staff.ID)
	if _, err := submit(s, c, lea.ID, map[int64]core.Answer{
		c.Questions[0].ID: {Choices: []int64{c.Questions[0].Options[0].ID}, Given: true},
		c.Questions[2].ID: {Text: "J'habite au 12 rue Neuve.", Given: true},
	}); err != nil {
		t.Fatal(err)
	}

	if err := s.DeleteAccount(ctx, lea.ID, true); err != nil {
		t.Fatal(err)
	}
	i := mustIdea(t, s, idea)
	if i.Title != "" || i.Body != "" || i.HasPoint || !i.Hidden || i.SupportCount != 1 {
		t.Fatalf("idea after removal: %+v", i)
	}
	comments, err := s.Comments(ctx, idea)
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	var walk func([]*core.Comment)
	walk = func(list []*core.Comment) {
		for _, c := range list {
			bodies = append(bodies, c.Body)
			walk(c.Replies)
		}
	}
	walk(comments)
	if strings.Join(bodies, "|") != "Bonne idée." {
		t.Fatalf("comments after removal: %q", bodies)
	}
	texts, err := s.TextAnswers(ctx, c.Questions[2].ID, true, 10)
	if err != nil || len(texts) != 0 {
		t.Fatalf("free text after removal: %+v %v", texts, err)
	}
	if got := tallyOf(t, s, c)[c.Questions[0].ID][""]; got != 1 {
		t.Fatalf("the choice left the results: %d", got)
	}
}
