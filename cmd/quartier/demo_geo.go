package main

import (
	"bytes"
	"embed"
	"fmt"

	"quartier/core"
	"quartier/core/geoimport"
	"quartier/core/postgres"
)

//go:embed demodata/lu
var demoData embed.FS

// osmCredit is the ODbL attribution of the OpenStreetMap-derived quarters.
const osmCredit = "© OpenStreetMap contributors (ODbL 1.0)"

// loadDemoGeography imports the real demo geography: communes, Luxembourg City's
// quarters, and the Ettelbruck and Luxembourg City registers. Re-running it
// changes nothing.
func (e *commandEnv) loadDemoGeography(store *postgres.Store) error {
	layers := []struct {
		file, layer, attribution string
		kind                     core.AreaKind
	}{
		{"communes4326.geojson", "communes", "", core.AreaCommune},
		{"Quartiers_de_Luxembourg.wgs84.geojson", "quartiers-luxembourg", osmCredit, core.AreaQuarter},
	}
	for _, l := range layers {
		raw, err := demoData.ReadFile("demodata/lu/" + l.file)
		if err != nil {
			return err
		}
		rep, err := geoimport.Areas(e.ctx, store, bytes.NewReader(raw), l.file,
			geoimport.AreaOptions{Kind: l.kind, Layer: l.layer, Attribution: l.attribution}, nil)
		if err != nil {
			return fmt.Errorf("demo %s: %w", l.file, err)
		}
		fmt.Fprintf(e.stdout, "demo: %s: %d new, %d unchanged\n", l.file, rep.Counts.Inserted, rep.Counts.Unchanged)
	}
	for _, file := range []string{"caclr_addresses_ettelbruck.csv", "caclr_addresses_luxembourg-ville.csv"} {
		raw, err := demoData.ReadFile("demodata/lu/" + file)
		if err != nil {
			return err
		}
		rep, err := geoimport.Addresses(e.ctx, store, raw, file, 0, nil)
		if err != nil {
			return fmt.Errorf("demo %s: %w", file, err)
		}
		fmt.Fprintf(e.stdout, "demo: %s: %d new, %d unchanged\n", file, rep.Counts.Inserted, rep.Counts.Unchanged)
	}
	if err := e.demoTarget(store); err != nil {
		return err
	}
	if err := e.loadDemoParticipation(store); err != nil {
		return fmt.Errorf("demo projects: %w", err)
	}
	if err := e.loadDemoConsultations(store); err != nil {
		return fmt.Errorf("demo consultations: %w", err)
	}
	if err := e.loadDemoMeetings(store); err != nil {
		return fmt.Errorf("demo events: %w", err)
	}
	if err := e.loadDemoBudget(store); err != nil {
		return fmt.Errorf("demo budget: %w", err)
	}
	if err := e.loadDemoAnswerTemplates(store); err != nil {
		return fmt.Errorf("demo answer templates: %w", err)
	}
	if err := e.loadDemoCouncil(store); err != nil {
		return fmt.Errorf("demo neighbourhood council: %w", err)
	}
	return nil
}

// demoTarget stores one example target, once: two streets of Ettelbruck, one of
// them on its even side only.
func (e *commandEnv) demoTarget(store *postgres.Store) error {
	const name = "Ettelbruck : rue de Warken et avenue des Alliés (côté pair)"
	targets, err := store.Targets(e.ctx)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if t.Name == name {
			return nil
		}
	}
	def := core.TargetDefinition{Parts: []core.TargetPart{
		{Kind: core.PartStreet, StreetID: 4164},                        // Rue de Warken
		{Kind: core.PartStreet, StreetID: 4126, Parity: core.EvenSide}, // Avenue des Alliés
	}}
	if err := def.Validate(); err != nil {
		return err
	}
	_, err = store.SaveTarget(e.ctx, 0, core.Target{Name: name, Definition: def})
	return err
}
