package hoplr

import (
	"errors"
	"math"
	"strings"

	"github.com/paulmach/orb"
)

// EncodePolyline writes a ring in Google's encoded polyline format (latitude
// first, five decimals), as the app encodes neighbourhood boundaries.
func EncodePolyline(ring orb.Ring) string {
	var b strings.Builder
	var lastLat, lastLng int64
	for _, p := range ring {
		lat, lng := int64(math.Round(p[1]*1e5)), int64(math.Round(p[0]*1e5))
		encodeSigned(&b, lat-lastLat)
		encodeSigned(&b, lng-lastLng)
		lastLat, lastLng = lat, lng
	}
	return b.String()
}

func encodeSigned(b *strings.Builder, v int64) {
	u := uint64(v << 1)
	if v < 0 {
		u = ^u
	}
	for u >= 0x20 {
		b.WriteByte(byte((0x20 | (u & 0x1f)) + 63))
		u >>= 5
	}
	b.WriteByte(byte(u + 63))
}

// ErrPolyline is a boundary that is not a valid encoded polyline.
var ErrPolyline = errors.New("malformed encoded polyline")

// DecodePolyline reads an encoded polyline into a ring of lon/lat points.
func DecodePolyline(s string) (orb.Ring, error) {
	var ring orb.Ring
	var lat, lng int64
	for i := 0; i < len(s); {
		var deltas [2]int64
		for k := range deltas {
			var result uint64
			shift := uint(0)
			for {
				if i >= len(s) || shift > 60 {
					return nil, ErrPolyline
				}
				c := int64(s[i]) - 63
				i++
				if c < 0 || c > 63 {
					return nil, ErrPolyline
				}
				result |= uint64(c&0x1f) << shift
				shift += 5
				if c < 0x20 {
					break
				}
			}
			if result&1 != 0 {
				deltas[k] = ^int64(result >> 1)
			} else {
				deltas[k] = int64(result >> 1)
			}
		}
		lat += deltas[0]
		lng += deltas[1]
		ring = append(ring, orb.Point{float64(lng) / 1e5, float64(lat) / 1e5})
	}
	return ring, nil
}
