package postgres_test

import (
	"strconv"
	"testing"
	"time"

	"quartier/core"
	"quartier/core/postgres/pgtest"
)

// BenchmarkConsultationRead: reading a survey of five questions (ten option
// rows, like the demo's) with its questions, untranslated and translated into
// the three other languages. Every consultation page and answer reads it once.
func BenchmarkConsultationRead(b *testing.B) {
	s := pgtest.Store(b)
	now := time.Now()
	survey := func(translated bool) int64 {
		frame := core.Consultation{Kind: core.KindSurvey, Title: "Le parc", Eligibility: core.EligibleAnyone, OpensAt: now, ClosesAt: now.Add(time.Hour)}
		others := []core.Language{core.German, core.Luxembourgish, core.English}
		if translated {
			frame.Translations = map[core.Language]core.ConsultationText{}
			for _, l := range others {
				frame.Translations[l] = core.ConsultationText{Title: "Der Park " + string(l), Description: "<p>Text</p>"}
			}
		}
		frame, err := core.NormalizeConsultation(frame)
		if err != nil {
			b.Fatal(err)
		}
		id, err := s.SaveConsultation(ctx, 0, frame)
		if err != nil {
			b.Fatal(err)
		}
		for i, n := range []int{3, 4, 0, 0, 0} {
			q := core.Question{Kind: core.QText, Section: "Le parc", Prompt: "Question " + strconv.Itoa(i)}
			t := core.QuestionText{Section: "Der Park", Prompt: "Frage " + strconv.Itoa(i)}
			if n > 0 {
				q.Kind = core.QSingle
				for o := range n {
					q.Options = append(q.Options, core.Option{Label: "Option " + strconv.Itoa(o)})
					t.Options = append(t.Options, core.OptionText{Label: "Wahl " + strconv.Itoa(o)})
				}
			}
			q, err := core.NormalizeQuestion(q)
			if err != nil {
				b.Fatal(err)
			}
			qid, err := s.SaveQuestion(ctx, 0, id, q)
			if err != nil {
				b.Fatal(err)
			}
			if translated {
				given := map[core.Language]core.QuestionText{}
				for _, l := range others {
					given[l] = t
				}
				if err := s.SaveQuestionTranslations(ctx, 0, id, qid, given, q.WordsHash()); err != nil {
					b.Fatal(err)
				}
			}
		}
		return id
	}
	for _, translated := range []bool{false, true} {
		id := survey(translated)
		b.Run("translated="+strconv.FormatBool(translated), func(b *testing.B) {
			for b.Loop() {
				k, err := s.Consultation(ctx, id)
				if err != nil || len(k.Questions) != 5 || (translated && len(k.Questions[0].Translations) != 3) {
					b.Fatalf("read %+v: %v", k, err)
				}
			}
		})
	}
}
