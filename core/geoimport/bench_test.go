package geoimport_test

import (
	"os"
	"testing"

	"quartier/core/geoimport"
	"quartier/core/postgres/pgtest"
)

// BenchmarkImportCACLRZip imports the national register (202,050 current
// addresses): into an empty database, then again unchanged. One op is one import.
func BenchmarkImportCACLRZip(b *testing.B) {
	data, err := os.ReadFile(testLU + "caclr.zip")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("empty", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s := pgtest.Store(b)
			b.StartTimer()
			if _, err := geoimport.Addresses(ctx, s, data, "caclr.zip", 0, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		s := pgtest.Store(b)
		if _, err := geoimport.Addresses(ctx, s, data, "caclr.zip", 0, nil); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			rep, err := geoimport.Addresses(ctx, s, data, "caclr.zip", 0, nil)
			if err != nil || rep.Counts.Unchanged != 202050 {
				b.Fatalf("%+v %v", rep.Counts, err)
			}
		}
	})
}
