package core

import (
	"time"

	"github.com/paulmach/orb"

	"quartier/geo"
)

// AreaInput is one area of an imported layer.
type AreaInput struct {
	Key        string
	Name       string
	Properties map[string]any
	Geometry   orb.MultiPolygon
}

// AreaLayer is a whole layer to import: every area of the layer, so that areas
// missing from it can be retired.
type AreaLayer struct {
	Layer       string
	Kind        AreaKind
	Attribution string
	Areas       []AreaInput
	ActorID     int64
}

// ImportCounts says what an import changed.
type ImportCounts struct {
	Inserted, Updated, Unchanged, Retired int
}

// AddressImport is a whole register file to load.
type AddressImport struct {
	Source   string // geo.FormatBDAdresses, geo.FormatCACLRCSV or FormatCACLRZip
	Records  []geo.AddressRecord
	ActorID  int64
	Progress func(done, total int) // called while rows are written; may be nil
}

// FormatCACLRZip names the zipped national register as an import source.
const FormatCACLRZip = "caclr-zip"

// AddressImportResult says what an address import changed.
type AddressImportResult struct {
	ImportCounts
	Communes int // communes the file covered (their absent addresses were retired)
	// RetirementSkipped lists communes where the file lacks so many addresses
	// that it looks like an extract: nothing was retired there.
	RetirementSkipped []string
}

// An address file retires the addresses it lacks in a commune only when they
// are at most RetireAlwaysUpTo or RetireShareLimit of the commune's addresses.
const (
	RetireAlwaysUpTo = 25
	RetireShareLimit = 0.2
)

// RejectedRow is one row an import refused, with where and why.
type RejectedRow struct {
	Line   int
	Field  string
	Code   string // a geo error code
	Reason string // English detail
}

// MaxRejectedKept bounds the rejected rows stored with an import run.
const MaxRejectedKept = 1000

// ImportRun is an import with its progress, for the progress bar and the report.
type ImportRun struct {
	ID         int64
	Kind       string // "areas" or "addresses"
	Filename   string
	Status     string // running, done, failed, interrupted (its server stopped during the run)
	Total      int64
	Processed  int64
	Result     map[string]any
	Rejected   []RejectedRow
	Error      string
	StartedAt  time.Time
	FinishedAt time.Time
}
