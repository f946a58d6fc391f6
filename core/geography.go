package core

import (
	"time"

	"github.com/paulmach/orb"
)

// AreaKind says what an area is.
type AreaKind string

// Area kinds. Communes and quarters come from official or community layers;
// custom areas are drawn or uploaded by staff.
const (
	AreaCommune AreaKind = "commune"
	AreaQuarter AreaKind = "quarter"
	AreaCustom  AreaKind = "custom"
)

// ParseAreaKind accepts an area kind name.
func ParseAreaKind(s string) (AreaKind, error) {
	switch k := AreaKind(s); k {
	case AreaCommune, AreaQuarter, AreaCustom:
		return k, nil
	}
	return "", Invalid("kind", "error.area_kind")
}

// Area is a named geometry: a commune, a quarter, or a custom polygon.
type Area struct {
	ID          int64
	Layer       string // the collection it was imported with ("communes", "quartiers-luxembourg")
	Key         string // identity within the layer (an official code, or the name)
	Kind        AreaKind
	Name        string
	Properties  map[string]any // the imported feature's properties, unchanged
	Geometry    orb.MultiPolygon
	Attribution string // licence credit to show with the area on maps
	UpdatedAt   time.Time
	Revision    int
}

// Address is one entry of the official address register.
type Address struct {
	ID       int64
	StreetID int64
	Street   string
	Number   string
	Postcode string
	Locality string
	Commune  string
	Point    orb.Point
	HasPoint bool
}

// Label is the address as written on an envelope line: "12A, Rue de Warken, 9088 Ettelbruck".
func (a Address) Label() string {
	s := a.Street
	if a.Number != "" {
		s = a.Number + ", " + s
	}
	return s + ", " + a.Postcode + " " + a.Locality
}

// Street is a street of the register.
type Street struct {
	ID       int64
	Name     string
	Locality string
	Commune  string
}

// Events of the geography.
const (
	EntityArea          = "area"
	EntityAddressImport = "address_import"
	EntityTarget        = "target"
)
