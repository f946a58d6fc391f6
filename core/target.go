package core

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"quartier/geo"
)

// TargetPartKind says how a part of a target picks addresses.
type TargetPartKind string

// Target part kinds.
const (
	PartArea    TargetPartKind = "area"    // a commune, quarter or custom area by id
	PartStreet  TargetPartKind = "street"  // a register street, optionally a number range or one side
	PartPolygon TargetPartKind = "polygon" // a polygon drawn on the map
	PartBuffer  TargetPartKind = "buffer"  // a line drawn on the map with a buffer in metres
)

// Parity picks one side of a street (by house number).
type Parity string

// Parities.
const (
	BothSides Parity = ""
	EvenSide  Parity = "even"
	OddSide   Parity = "odd"
)

// TargetPart is one piece of a target. Parts are combined as (union of included
// parts) minus (union of excluded parts).
type TargetPart struct {
	Kind    TargetPartKind
	Exclude bool
	AreaID  int64 // PartArea
	// PartStreet: FromNumber and ToNumber bound the leading integer of the house
	// number, inclusive; 0 leaves that end open.
	StreetID   int64
	FromNumber int
	ToNumber   int
	Parity     Parity
	Polygon    orb.Polygon    // PartPolygon, WGS84
	Line       orb.LineString // PartBuffer, WGS84
	Metres     float64        // PartBuffer radius
}

// TargetDefinition is what staff compose; it is stored as is and resolved again
// whenever the register or the areas change.
type TargetDefinition struct {
	Parts []TargetPart
}

// Target is a named, stored definition.
type Target struct {
	ID         int64
	Name       string
	Definition TargetDefinition
	Revision   int
}

// Limits of a target definition.
const (
	MaxTargetParts   = 50
	MaxBufferMetres  = 1000
	MaxTargetNameLen = 120
)

// Validate checks a definition: at least one included part, known kinds, sane
// number ranges and buffers, valid drawn polygons. Errors name the part (1-based).
func (d TargetDefinition) Validate() error {
	if len(d.Parts) > MaxTargetParts {
		return Invalid("parts", "error.target_too_many_parts")
	}
	included := 0
	var errs []error
	for i, p := range d.Parts {
		field := fmt.Sprintf("part_%d", i+1)
		if !p.Exclude {
			included++
		}
		switch p.Kind {
		case PartArea:
			if p.AreaID <= 0 {
				errs = append(errs, Invalid(field, "error.target_area_missing"))
			}
		case PartStreet:
			switch {
			case p.StreetID <= 0:
				errs = append(errs, Invalid(field, "error.target_street_missing"))
			case p.FromNumber < 0 || p.ToNumber < 0 || (p.ToNumber > 0 && p.FromNumber > p.ToNumber):
				errs = append(errs, Invalid(field, "error.target_number_range"))
			case p.Parity != BothSides && p.Parity != EvenSide && p.Parity != OddSide:
				errs = append(errs, Invalid(field, "error.target_parity"))
			}
		case PartPolygon:
			if e := geo.ValidateMultiPolygon(orb.MultiPolygon{p.Polygon}, geo.Benelux); e != nil || len(p.Polygon) == 0 {
				errs = append(errs, &Error{Code: CodeInvalid, Field: field, Key: "error.target_polygon", Cause: e})
			}
		case PartBuffer:
			switch {
			case len(p.Line) < 2:
				errs = append(errs, Invalid(field, "error.target_line"))
			case p.Metres <= 0 || p.Metres > MaxBufferMetres:
				errs = append(errs, Invalid(field, "error.target_buffer"))
			}
		default:
			errs = append(errs, Invalid(field, "error.target_part_kind"))
		}
	}
	if included == 0 {
		errs = append(errs, Invalid("parts", "error.target_empty"))
	}
	return errors.Join(errs...)
}
