// Package geoimport imports area layers (GeoJSON) and address registers (CSV or
// the CACLR zip) from a file into the store, for the command line and the staff
// pages alike: it parses with geo, writes through the Store interface, records
// the run (progress, counts, rejected rows) and reports progress as it goes.
package geoimport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"quartier/core"
	"quartier/geo"
)

// Store is what an import writes to (core/postgres implements it).
type Store interface {
	ImportAreas(ctx context.Context, l core.AreaLayer) (core.ImportCounts, error)
	ImportAddresses(ctx context.Context, in core.AddressImport) (core.AddressImportResult, error)
	StartImportRun(ctx context.Context, kind, filename string, actorID int64) (int64, error)
	ImportProgress(ctx context.Context, id, processed, total int64) error
	FinishImportRun(ctx context.Context, id int64, result map[string]any, rejected []core.RejectedRow, errMsg string) error
}

// Progress is told how far an import got: stage is "read" or "write".
type Progress func(stage string, done, total int)

// Report is the outcome of an import.
type Report struct {
	RunID    int64
	Format   string
	Counts   core.ImportCounts
	Communes int // addresses: communes the file covered
	// RetirementSkipped lists communes the file covers too partially to retire
	// the addresses it lacks there.
	RetirementSkipped []string
	Rejected          []core.RejectedRow
	Elapsed           time.Duration
}

// AreaOptions describe an area layer file.
type AreaOptions struct {
	Kind         core.AreaKind
	Layer        string // default: the file name without extension
	NameProperty string // default: the first of NAME, name, COMMUNE, NOM, ...
	KeyProperty  string // default: LAU2, ID or id when present, else the name
	Attribution  string
	ActorID      int64
}

// Areas imports a GeoJSON layer. A file with any invalid feature changes nothing;
// the error (a join of *geo.Error) says what and where.
func Areas(ctx context.Context, store Store, r io.Reader, filename string, opts AreaOptions, progress Progress) (Report, error) {
	start := time.Now()
	run, err := store.StartImportRun(ctx, "areas", filename, opts.ActorID)
	if err != nil {
		return Report{}, err
	}
	rep := Report{RunID: run, Format: "geojson"}
	fail := func(err error) (Report, error) {
		rep.Elapsed = time.Since(start)
		_ = store.FinishImportRun(context.WithoutCancel(ctx), run, nil, nil, err.Error())
		return rep, err
	}
	features, err := geo.ReadFeatures(r, geo.ReadOptions{Region: geo.Benelux})
	if err != nil {
		return fail(err)
	}
	report(progress, "read", len(features), len(features))
	layer := opts.Layer
	if layer == "" {
		layer = strings.TrimSuffix(filepath.Base(filename), filepath.Ext(filename))
		layer = strings.TrimSuffix(layer, ".wgs84")
	}
	in := core.AreaLayer{Layer: layer, Kind: opts.Kind, Attribution: opts.Attribution, ActorID: opts.ActorID}
	seen := map[string]int{}
	for _, f := range features {
		name := property(f.Properties, opts.NameProperty, "NAME", "name", "Name", "COMMUNE", "commune", "NOM", "nom")
		if name == "" {
			return fail(&geo.Error{Code: geo.ErrField, Feature: f.Number, Field: opts.NameProperty, Detail: "no name property (use --name-property)"})
		}
		key := property(f.Properties, opts.KeyProperty, "LAU2", "ID", "id")
		if key == "" {
			key = name
		}
		if first, dup := seen[key]; dup {
			return fail(&geo.Error{Code: geo.ErrDuplicateID, Feature: f.Number, Name: name, Field: opts.KeyProperty,
				Detail: fmt.Sprintf("key %q already used by feature %d", key, first)})
		}
		seen[key] = f.Number
		in.Areas = append(in.Areas, core.AreaInput{Key: key, Name: name, Properties: f.Properties, Geometry: f.Geometry})
	}
	rep.Counts, err = store.ImportAreas(ctx, in)
	if err != nil {
		return fail(err)
	}
	report(progress, "write", len(features), len(features))
	rep.Elapsed = time.Since(start)
	return rep, store.FinishImportRun(ctx, run, countsMap(rep), nil, "")
}

// property returns the first non-empty of the named property, or of the fallbacks.
func property(props map[string]any, named string, fallbacks ...string) string {
	if named != "" {
		fallbacks = []string{named}
	}
	for _, k := range fallbacks {
		if v, ok := props[k]; ok && v != nil {
			if s := strings.TrimSpace(fmt.Sprint(v)); s != "" {
				return s
			}
		}
	}
	return ""
}

// Addresses imports an address register: a zip is read as the CACLR archive,
// anything else as a BD-Adresses or CACLR CSV (told apart by the header).
// Rejected rows are reported; the rest import.
func Addresses(ctx context.Context, store Store, data []byte, filename string, actorID int64, progress Progress) (Report, error) {
	start := time.Now()
	run, err := store.StartImportRun(ctx, "addresses", filename, actorID)
	if err != nil {
		return Report{}, err
	}
	rep := Report{RunID: run}
	fail := func(err error) (Report, error) {
		rep.Elapsed = time.Since(start)
		_ = store.FinishImportRun(context.WithoutCancel(ctx), run, nil, rep.Rejected, err.Error())
		return rep, err
	}
	var records []geo.AddressRecord
	collect := func(a geo.AddressRecord) error {
		records = append(records, a)
		if len(records)%20000 == 0 {
			report(progress, "read", len(records), 0)
		}
		return ctx.Err()
	}
	var rejected []geo.Rejected
	if geo.IsZip(data) {
		rep.Format = core.FormatCACLRZip
		rejected, err = geo.ReadCACLR(bytes.NewReader(data), int64(len(data)), collect)
	} else {
		rep.Format, rejected, err = geo.ReadAddressCSV(bytes.NewReader(data), collect)
	}
	for _, r := range rejected {
		rep.Rejected = append(rep.Rejected, core.RejectedRow{Line: r.Line, Field: r.Field, Code: r.Code, Reason: r.Reason})
	}
	if err != nil {
		return fail(err)
	}
	if len(records) == 0 {
		return fail(&geo.Error{Code: geo.ErrEmpty, Detail: "no address could be read"})
	}
	report(progress, "read", len(records), len(records))
	total := int64(len(records))
	res, err := store.ImportAddresses(ctx, core.AddressImport{Source: rep.Format, Records: records, ActorID: actorID,
		Progress: func(done, all int) {
			report(progress, "write", done, all)
			_ = store.ImportProgress(ctx, run, int64(done), total)
		}})
	if err != nil {
		return fail(err)
	}
	rep.Counts, rep.Communes, rep.RetirementSkipped = res.ImportCounts, res.Communes, res.RetirementSkipped
	rep.Elapsed = time.Since(start)
	return rep, store.FinishImportRun(ctx, run, countsMap(rep), rep.Rejected, "")
}

func countsMap(rep Report) map[string]any {
	return map[string]any{"format": rep.Format, "inserted": rep.Counts.Inserted, "updated": rep.Counts.Updated,
		"unchanged": rep.Counts.Unchanged, "retired": rep.Counts.Retired, "communes": rep.Communes,
		"rejected": len(rep.Rejected), "seconds": rep.Elapsed.Seconds(), "retirement_skipped": rep.RetirementSkipped}
}

func report(p Progress, stage string, done, total int) {
	if p != nil {
		p(stage, done, total)
	}
}

// FileProblems returns the *geo.Error values in err (a file-level failure), so
// that callers can explain each in the reader's language.
func FileProblems(err error) []*geo.Error {
	var out []*geo.Error
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		var ge *geo.Error
		if e, ok := err.(*geo.Error); ok {
			out = append(out, e)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, inner := range j.Unwrap() {
				walk(inner)
			}
			return
		}
		if errors.As(err, &ge) {
			out = append(out, ge)
		}
	}
	walk(err)
	return out
}
