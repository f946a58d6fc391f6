package hoplr

import (
	"testing"

	"github.com/paulmach/orb"
)

// The worked example of Google's polyline documentation.
func TestPolylineMatchesGooglesExample(t *testing.T) {
	ring := orb.Ring{{-120.2, 38.5}, {-120.95, 40.7}, {-126.453, 43.252}}
	if got := EncodePolyline(ring); got != "_p~iF~ps|U_ulLnnqC_mqNvxq`@" {
		t.Fatalf("encoded %q", got)
	}
	back, err := DecodePolyline("_p~iF~ps|U_ulLnnqC_mqNvxq`@")
	if err != nil || len(back) != 3 || back[2] != (orb.Point{-126.453, 43.252}) {
		t.Fatalf("decoded %v %v", back, err)
	}
	for _, bad := range []string{"_p~iF~ps|U_", "\x01\x02", "~~~~~~~~~~~~~~~~~~"} {
		if _, err := DecodePolyline(bad); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}
