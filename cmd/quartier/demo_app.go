package main

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"quartier/connectors/hoplr/fake"
)

// demoFakeApp is the development fake app: Ettelbruck split into two
// neighbourhoods and Luxembourg City as a third, with a few members.
func demoFakeApp() *fake.Server {
	var ettelbruck, luxembourg orb.Bound
	if raw, err := demoData.ReadFile("demodata/lu/communes4326.geojson"); err == nil {
		if fc, err := geojson.UnmarshalFeatureCollection(raw); err == nil {
			for _, f := range fc.Features {
				switch f.Properties.MustString("COMMUNE", f.Properties.MustString("name", "")) {
				case "Ettelbruck":
					ettelbruck = f.Geometry.Bound()
				case "Luxembourg":
					luxembourg = f.Geometry.Bound()
				}
			}
		}
	}
	box := func(b orb.Bound) orb.Ring {
		return orb.Ring{b.Min, {b.Max[0], b.Min[1]}, b.Max, {b.Min[0], b.Max[1]}, b.Min}
	}
	mid := (ettelbruck.Min[0] + ettelbruck.Max[0]) / 2
	app := fake.New(fake.Options{ClientID: fakeClientID, Username: fakeUsername, Password: fakePassword, RateLimit: 600}, []fake.Neighbourhood{
		{ID: "ettelbruck-ouest", Name: "Ettelbruck Ouest", Boundary: box(orb.Bound{Min: ettelbruck.Min, Max: orb.Point{mid, ettelbruck.Max[1]}})},
		{ID: "ettelbruck-est", Name: "Ettelbruck Est (Warken)", Boundary: box(orb.Bound{Min: orb.Point{mid, ettelbruck.Min[1]}, Max: ettelbruck.Max})},
		{ID: "luxembourg", Name: "Luxembourg-Ville", Boundary: box(luxembourg)},
	})
	for i, m := range []fake.Member{
		{FirstName: "Anne K.", NeighbourhoodID: "ettelbruck-est"},
		{FirstName: "Jos M.", NeighbourhoodID: "ettelbruck-ouest"},
		{FirstName: "Sophie L.", NeighbourhoodID: "luxembourg"},
	} {
		m.ID = "u-" + string(rune('1'+i))
		app.Join(m)
	}
	return app
}
