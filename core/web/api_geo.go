package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"quartier/core"
)

type apiArea struct {
	ID         int64          `json:"id"`
	Name       string         `json:"name"`
	Kind       string         `json:"kind"`
	Properties map[string]any `json:"properties"`
}

func areaJSON(a core.Area) apiArea {
	props := a.Properties
	if props == nil {
		props = map[string]any{}
	}
	return apiArea{ID: a.ID, Name: a.Name, Kind: string(a.Kind), Properties: props}
}

// apiAreasAt answers which areas contain a point: {"areas":[...]}.
func (s *Server) apiAreasAt(c *gin.Context) {
	lon, err1 := parseNumber(c.Query("lon"))
	lat, err2 := parseNumber(c.Query("lat"))
	if err1 != nil || lon < -180 || lon > 180 {
		s.fail(c, core.Invalid("lon", "error.lon_invalid"))
		return
	}
	if err2 != nil || lat < -90 || lat > 90 {
		s.fail(c, core.Invalid("lat", "error.lat_invalid"))
		return
	}
	g, err := s.geography(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	out := []apiArea{}
	for _, id := range g.index.Containing(orb.Point{lon, lat}, nil) {
		out = append(out, areaJSON(g.areas[id]))
	}
	c.JSON(http.StatusOK, gin.H{"areas": out})
}

// apiAreas lists the areas, without geometry; ?kind= filters.
func (s *Server) apiAreas(c *gin.Context) {
	g, err := s.geography(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	kind := c.Query("kind")
	out := []apiArea{}
	for _, a := range g.ordered {
		if kind == "" || string(a.Kind) == kind {
			out = append(out, areaJSON(a))
		}
	}
	c.JSON(http.StatusOK, gin.H{"areas": out})
}

// apiAreaGeoJSON returns one area as a GeoJSON Feature.
func (s *Server) apiAreaGeoJSON(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.area_not_found"))
		return
	}
	a, err := s.store.Area(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/geo+json", mustJSON(areaFeature(a)))
}

func areaFeature(a core.Area) *geojson.Feature {
	f := geojson.NewFeature(a.Geometry)
	f.ID = a.ID
	f.Properties = geojson.Properties{"name": a.Name, "kind": string(a.Kind), "attribution": a.Attribution}
	return f
}

type apiAddress struct {
	ID       int64       `json:"id"`
	Label    string      `json:"label"`
	Street   string      `json:"street"`
	StreetID int64       `json:"street_id"`
	Number   string      `json:"number"`
	Postcode string      `json:"postcode"`
	Locality string      `json:"locality"`
	Commune  string      `json:"commune"`
	Position *[2]float64 `json:"position"` // [lon, lat], null when the register has none
}

func addressJSON(a core.Address) apiAddress {
	out := apiAddress{ID: a.ID, Label: a.Label(), Street: a.Street, StreetID: a.StreetID, Number: a.Number,
		Postcode: a.Postcode, Locality: a.Locality, Commune: a.Commune}
	if a.HasPoint {
		out.Position = &[2]float64{a.Point[0], a.Point[1]}
	}
	return out
}

// apiAddresses is the address autocomplete: ?q=12 rue de warken.
func (s *Server) apiAddresses(c *gin.Context) {
	found, err := s.store.SearchAddresses(c.Request.Context(), searchQuery(c), 20)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]apiAddress, 0, len(found))
	for _, a := range found {
		out = append(out, addressJSON(a))
	}
	c.JSON(http.StatusOK, gin.H{"addresses": out})
}

type apiStreet struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Locality string `json:"locality"`
	Commune  string `json:"commune"`
}

// apiStreets is the street autocomplete for the target composer: ?q=warken.
func (s *Server) apiStreets(c *gin.Context) {
	found, err := s.store.SearchStreets(c.Request.Context(), searchQuery(c), 20)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]apiStreet, 0, len(found))
	for _, st := range found {
		out = append(out, apiStreet{ID: st.ID, Name: st.Name, Locality: st.Locality, Commune: st.Commune})
	}
	c.JSON(http.StatusOK, gin.H{"streets": out})
}
