package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func square(x0, y0, size float64) *Prepared {
	return Prepare(orb.MultiPolygon{{{{x0, y0}, {x0 + size, y0}, {x0 + size, y0 + size}, {x0, y0 + size}, {x0, y0}}}})
}

func TestOverlapShares(t *testing.T) {
	a := square(6.0, 49.0, 0.02)
	for _, tt := range []struct {
		name string
		b    *Prepared
		want float64
	}{
		{"same", square(6.0, 49.0, 0.02), 1},
		{"right half", square(6.01, 48.99, 0.04), 0.5},
		{"a quarter", square(6.01, 49.01, 0.02), 0.25},
		{"apart", square(6.1, 49.1, 0.02), 0},
		{"inside it", square(6.005, 49.005, 0.01), 0.25},
	} {
		if got := Overlap(a, tt.b); math.Abs(got-tt.want) > 0.02 {
			t.Errorf("%s: overlap %.3f, want %.2f", tt.name, got, tt.want)
		}
	}
}
