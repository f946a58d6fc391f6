package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"quartier/core"
)

// BenchmarkFlyerRunEttelbruck prints the flyers of a consultation aimed at the
// whole commune of Ettelbruck (2,557 letterboxes of the real register), with a
// residence code per letterbox, through the staff form: codes issued in one
// transaction, the PDF written in the background, the progress page polled.
func BenchmarkFlyerRunEttelbruck(b *testing.B) {
	a := newApp(b, nil)
	a.withGeography()
	staff := a.account("manager@commune.lu", core.RoleManager)
	areas, err := a.store.Areas(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var commune int64
	for _, ar := range areas {
		if ar.Kind == core.AreaCommune && ar.Name == "Ettelbruck" {
			commune = ar.ID
		}
	}
	target, err := a.store.SaveTarget(ctx, staff.ID, core.Target{Name: "Ettelbruck", Definition: core.TargetDefinition{Parts: []core.TargetPart{{Kind: core.PartArea, AreaID: commune}}}})
	if err != nil {
		b.Fatal(err)
	}
	br := a.browser()
	br.login("manager@commune.lu")
	builder := createConsultation(b, br, url.Values{"eligibility": {"verified"}, "target_id": {itoa(target.ID)}})
	if !strings.Contains(br.get(builder).body, "<dd>2557</dd>") {
		b.Fatal("the target does not reach the 2,557 letterboxes of Ettelbruck")
	}
	for b.Loop() {
		br.get(builder)
		run := br.post(builder+"/flyers", url.Values{"paper": {"A4"}, "codes": {"on"}}).header.Get("Location")
		for !strings.Contains(br.get(run).body, run+"/pdf") {
			time.Sleep(20 * time.Millisecond)
		}
		pdf := br.get(run + "/pdf")
		if n := strings.Count(pdf.body, "/Type /Page\n"); n != 2557 {
			b.Fatalf("%d pages", n)
		}
		b.ReportMetric(float64(len(pdf.body))/1e6, "MB")
	}
}
