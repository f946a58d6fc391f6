//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"testing"

	"quartier/core/postgres/pgtest"
)

// `quartier bench supports` runs end to end against `serve`: signed-in
// visitors, a warm-up, the measured run, its samples, and the database check
// that counts the warm-up's supports too.
func TestBenchSupportsAgainstServe(t *testing.T) {
	dbURL := pgtest.URL(t)
	s := startServer(t, dbURL)
	cfg := writeConfig(t, "env: development\nlog: {level: warn}\n")
	samples := filepath.Join(t.TempDir(), "samples.csv")
	var out bytes.Buffer
	args := []string{"--config", cfg, "bench", "supports", "--url", s.base, "--rate", "200", "--duration", "1s",
		"--warmup", "500ms", "--users", "20", "--ideas", "20", "--samples", samples}
	if err := run(context.Background(), args, envOf(map[string]string{"DATABASE_URL": dbURL}), nil, &out, io.Discard); err != nil {
		t.Fatalf("bench: %v\n%s", err, out.String())
	}
	m := regexp.MustCompile(`offered 200/s for [0-9.]+s: 200 sent, (\d+) accepted[\s\S]*check: (\d+) accepted \((\d+) in the warm-up\).*consistent`).FindStringSubmatch(out.String())
	if m == nil || m[1] == "0" || m[3] == "0" {
		t.Fatalf("report:\n%s", out.String())
	}
	// The server's /metrics, read around the run, says what its runtime did.
	if a := regexp.MustCompile(`server's Go runtime during the run: \d+ collection\(s\).*, ([0-9.]+) kB allocated per request`).FindStringSubmatch(out.String()); a == nil || a[1] == "0.0" {
		t.Fatalf("no runtime figures in the report:\n%s", out.String())
	}
	f, err := os.Open(samples)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != 201 || rows[0][1] != "status" {
		t.Fatalf("samples: %d rows, %v", len(rows), err)
	}
	stamped := 0
	for _, r := range rows[1:] {
		if r[1] != "303" && r[1] != "503" {
			t.Fatalf("a sample with status %s: %v", r[1], r)
		}
		// An answer arrived (by the kernel's stamp, or else when read) after
		// it was scheduled and no later than the generator read it.
		latency, _ := strconv.ParseFloat(r[2], 64)
		arrived, _ := strconv.ParseFloat(r[5], 64)
		if r[6] == "true" {
			stamped++
		}
		if arrived <= 0 || arrived > latency {
			t.Fatalf("a sample that arrived at %s ms and was read at %s ms: %v", r[5], r[2], r)
		}
	}
	if runtime.GOOS == "linux" && stamped < len(rows)/2 {
		t.Fatalf("%d of %d answers with the kernel's arrival stamp", stamped, len(rows)-1)
	}
}
