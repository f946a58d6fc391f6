// Package geo is Quartier's geometry, on paulmach/orb: GeoJSON areas in and out
// (RFC 7946, lon/lat WGS84) with validation that explains what is wrong, prepared
// polygons for fast point-in-polygon tests, a spatial index of areas and one of
// points, regions for targets (union, difference, line with a buffer), the
// LUREF (EPSG:2169) projection, and readers of Luxembourg's address registers.
//
// geo imports only the standard library and orb. Its errors are *Error values with
// a stable Code, so that callers can explain them in the reader's language.
package geo
