package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// LUREF / Luxembourg TM (EPSG:2169): a Transverse Mercator on the International
// 1924 (Hayford) ellipsoid, latitude of origin 49°50'N, central meridian 6°10'E,
// scale 1, false easting 80 km, false northing 100 km. The datum shift to WGS84 is
// the 7-parameter position-vector transformation that PROJ uses for EPSG:2169.
const (
	lurefA     = 6378388.0
	lurefInvF  = 297.0
	wgs84A     = 6378137.0
	wgs84InvF  = 298.257223563
	lurefLat0  = 49.0 + 50.0/60
	lurefLon0  = 6.0 + 10.0/60
	lurefE0    = 80000.0
	lurefN0    = 100000.0
	lurefScale = 1.0
)

// Helmert parameters LUREF -> WGS84: metres, arc-seconds, parts per million.
var lurefToWGS84 = [7]float64{-189.6806, 18.3463, -42.7695, -0.33746, -3.09264, 2.53861, 0.4598}

type ellipsoid struct{ a, f, e2 float64 }

func newEllipsoid(a, invF float64) ellipsoid {
	f := 1 / invF
	return ellipsoid{a: a, f: f, e2: f * (2 - f)}
}

var (
	intl  = newEllipsoid(lurefA, lurefInvF)
	wgs84 = newEllipsoid(wgs84A, wgs84InvF)
)

const deg = math.Pi / 180

// LUREFToWGS84 converts LUREF easting and northing (metres) to WGS84 lon/lat.
func LUREFToWGS84(easting, northing float64) orb.Point {
	lat, lon := tmInverse(intl, easting, northing)
	x, y, z := toGeocentric(intl, lat, lon)
	x, y, z = helmert(x, y, z, lurefToWGS84, 1)
	lat, lon = fromGeocentric(wgs84, x, y, z)
	return orb.Point{lon / deg, lat / deg}
}

// WGS84ToLUREF converts WGS84 lon/lat to LUREF easting and northing (metres).
func WGS84ToLUREF(p orb.Point) (easting, northing float64) {
	x, y, z := toGeocentric(wgs84, p[1]*deg, p[0]*deg)
	x, y, z = helmert(x, y, z, lurefToWGS84, -1)
	lat, lon := fromGeocentric(intl, x, y, z)
	return tmForward(intl, lat, lon)
}

// helmert applies the position-vector transformation (sign 1) or its inverse
// (sign -1; exact to well under a millimetre for rotations this small).
func helmert(x, y, z float64, p [7]float64, sign float64) (float64, float64, float64) {
	const arcsec = math.Pi / (180 * 3600)
	tx, ty, tz := sign*p[0], sign*p[1], sign*p[2]
	rx, ry, rz := sign*p[3]*arcsec, sign*p[4]*arcsec, sign*p[5]*arcsec
	s := 1 + sign*p[6]*1e-6
	return tx + s*(x-rz*y+ry*z),
		ty + s*(rz*x+y-rx*z),
		tz + s*(-ry*x+rx*y+z)
}

func toGeocentric(el ellipsoid, lat, lon float64) (float64, float64, float64) {
	sinLat := math.Sin(lat)
	n := el.a / math.Sqrt(1-el.e2*sinLat*sinLat)
	return n * math.Cos(lat) * math.Cos(lon), n * math.Cos(lat) * math.Sin(lon), n * (1 - el.e2) * sinLat
}

func fromGeocentric(el ellipsoid, x, y, z float64) (lat, lon float64) {
	lon = math.Atan2(y, x)
	p := math.Hypot(x, y)
	lat = math.Atan2(z, p*(1-el.e2))
	for i := 0; i < 10; i++ {
		sinLat := math.Sin(lat)
		n := el.a / math.Sqrt(1-el.e2*sinLat*sinLat)
		next := math.Atan2(z+el.e2*n*sinLat, p)
		if math.Abs(next-lat) < 1e-14 {
			return next, lon
		}
		lat = next
	}
	return lat, lon
}

// meridianArc is the distance from the equator along the meridian (Snyder 3-21).
func meridianArc(el ellipsoid, lat float64) float64 {
	e2 := el.e2
	e4, e6 := e2*e2, e2*e2*e2
	return el.a * ((1-e2/4-3*e4/64-5*e6/256)*lat -
		(3*e2/8+3*e4/32+45*e6/1024)*math.Sin(2*lat) +
		(15*e4/256+45*e6/1024)*math.Sin(4*lat) -
		(35*e6/3072)*math.Sin(6*lat))
}

// tmForward is Snyder's Transverse Mercator series (8-9, 8-10): millimetre
// accurate within Luxembourg's 60 km of the central meridian.
func tmForward(el ellipsoid, lat, lon float64) (easting, northing float64) {
	e2 := el.e2
	ep2 := e2 / (1 - e2)
	sinLat, cosLat, tanLat := math.Sin(lat), math.Cos(lat), math.Tan(lat)
	n := el.a / math.Sqrt(1-e2*sinLat*sinLat)
	t := tanLat * tanLat
	c := ep2 * cosLat * cosLat
	a := (lon - lurefLon0*deg) * cosLat
	m := meridianArc(el, lat)
	m0 := meridianArc(el, lurefLat0*deg)
	k0 := lurefScale
	easting = lurefE0 + k0*n*(a+(1-t+c)*math.Pow(a, 3)/6+(5-18*t+t*t+72*c-58*ep2)*math.Pow(a, 5)/120)
	northing = lurefN0 + k0*(m-m0+n*tanLat*(a*a/2+(5-t+9*c+4*c*c)*math.Pow(a, 4)/24+
		(61-58*t+t*t+600*c-330*ep2)*math.Pow(a, 6)/720))
	return easting, northing
}

// tmInverse is Snyder's inverse series (8-12 to 8-25).
func tmInverse(el ellipsoid, easting, northing float64) (lat, lon float64) {
	e2 := el.e2
	ep2 := e2 / (1 - e2)
	k0 := lurefScale
	m := meridianArc(el, lurefLat0*deg) + (northing-lurefN0)/k0
	mu := m / (el.a * (1 - e2/4 - 3*e2*e2/64 - 5*e2*e2*e2/256))
	e1 := (1 - math.Sqrt(1-e2)) / (1 + math.Sqrt(1-e2))
	phi1 := mu + (3*e1/2-27*math.Pow(e1, 3)/32)*math.Sin(2*mu) +
		(21*e1*e1/16-55*math.Pow(e1, 4)/32)*math.Sin(4*mu) +
		(151*math.Pow(e1, 3)/96)*math.Sin(6*mu) +
		(1097*math.Pow(e1, 4)/512)*math.Sin(8*mu)
	sin1, cos1, tan1 := math.Sin(phi1), math.Cos(phi1), math.Tan(phi1)
	c1 := ep2 * cos1 * cos1
	t1 := tan1 * tan1
	n1 := el.a / math.Sqrt(1-e2*sin1*sin1)
	r1 := el.a * (1 - e2) / math.Pow(1-e2*sin1*sin1, 1.5)
	d := (easting - lurefE0) / (n1 * k0)
	lat = phi1 - (n1*tan1/r1)*(d*d/2-(5+3*t1+10*c1-4*c1*c1-9*ep2)*math.Pow(d, 4)/24+
		(61+90*t1+298*c1+45*t1*t1-252*ep2-3*c1*c1)*math.Pow(d, 6)/720)
	lon = lurefLon0*deg + (d-(1+2*t1+c1)*math.Pow(d, 3)/6+
		(5-2*c1+28*t1-3*c1*c1+8*ep2+24*t1*t1)*math.Pow(d, 5)/120)/cos1
	return lat, lon
}

// DistanceMetres is the great-circle distance between two lon/lat points on a
// sphere of the WGS84 mean radius: ample for the metres and kilometres of a commune.
func DistanceMetres(a, b orb.Point) float64 {
	const r = 6371008.8
	lat1, lat2 := a[1]*deg, b[1]*deg
	dLat, dLon := lat2-lat1, (b[0]-a[0])*deg
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1)*math.Cos(lat2)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}
