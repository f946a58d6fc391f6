package main

import (
	"context"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// The shipped config.yaml is valid and states the defaults.
func TestShippedConfigIsTheDefault(t *testing.T) {
	cfg, err := loadConfig("../../config.yaml", true, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	def := defaultConfig()
	if !(cfg.HTTP.Addr == def.HTTP.Addr && cfg.HTTP.PublicURL == def.HTTP.PublicURL && len(cfg.HTTP.TrustedProxies) == 0 &&
		cfg.HTTP.MaxBodyBytes == def.HTTP.MaxBodyBytes && cfg.HTTP.ShutdownTimeout == def.HTTP.ShutdownTimeout) {
		t.Errorf("http section %+v differs from defaults %+v", cfg.HTTP, def.HTTP)
	}
	if cfg.Auth != def.Auth || cfg.Mail != def.Mail || cfg.Log != def.Log || cfg.Database != def.Database || cfg.Env != def.Env {
		t.Errorf("config.yaml differs from defaultConfig():\n%+v\n%+v", cfg, def)
	}
}

func TestUnknownKeyNamesKeyAndLine(t *testing.T) {
	path := writeConfig(t, "env: development\nhttp:\n  addr: 127.0.0.1:8080\n  adress: typo\n")
	_, err := loadConfig(path, true, envOf(nil))
	if err == nil || !strings.Contains(err.Error(), "line 4") || !strings.Contains(err.Error(), "adress") {
		t.Fatalf("err = %v, want the key and line 4", err)
	}
}

func TestInvalidValuesSayWhatToFix(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"env: staging\n", `env (or QUARTIER_ENV) must be "development" or "production"`},
		{"http:\n  addr: localhost\n", "http.addr (or QUARTIER_ADDR) must be host:port"},
		{"http:\n  public_url: participer.lu\n", "http.public_url must be an absolute http(s) URL"},
		{"env: production\n", "must use https in production"},
		{"mail:\n  smtp:\n    tls: ssl\n", "tls must be none, starttls or tls"},
		{"auth:\n  rate_limits:\n    login_per_ip: {max: 0, window: 1m}\n", "auth.rate_limits.login_per_ip needs max >= 1"},
		{"auth:\n  session_ttl: 1s\n", "auth.session_ttl must be at least 1m"},
		{"auth:\n  session_ttl: 10\n", "cannot unmarshal !!int `10` into time.Duration"},
		{"log:\n  level: verbose\n", "log.level must be debug, info, warn or error"},
		{"http: [1, 2]\n", "cannot unmarshal"},
		{"commune:\n  logo: ../../go.mod\n", "commune.logo: ../../go.mod is neither a PNG nor a JPEG image"},
		{"commune:\n  logo: /nonexistent/logo.png\n", "commune.logo: open /nonexistent/logo.png"},
		{"commune:\n  contact_email: participation\n", `commune.contact_email "participation" is not an e-mail address`},
		{"http:\n  burst_wait: -1s\n", "http.burst_wait cannot be negative"},
		{"runtime:\n  gc_percent: 0\n", "runtime.gc_percent must be at least 25"},
		{"runtime:\n  gc_percent: -1\n  memory_limit_mb: 0\n", "or -1 with a runtime.memory_limit_mb"},
		{"runtime:\n  procs_per_core: 0\n", "runtime.procs_per_core must be between 1 and 8, not 0"},
		{"map:\n  center: {lat: 52.52, lon: 13.40}\n", "map.center must lie in the Benelux"}, // Berlin
		{"map:\n  zoom: 30\n", "map.zoom be from 5 to 18, not 49.6116, 6.1319 and 30"},
	}
	for _, tt := range tests {
		_, err := loadConfig(writeConfig(t, tt.yaml), true, envOf(nil))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err = %v, want %q", tt.yaml, err, tt.want)
		}
	}
}

func TestEnvironmentOverridesFile(t *testing.T) {
	path := writeConfig(t, "env: development\nhttp:\n  addr: 127.0.0.1:8080\n")
	cfg, err := loadConfig(path, true, envOf(map[string]string{
		"QUARTIER_ENV": "production", "QUARTIER_ADDR": "0.0.0.0:9000", "QUARTIER_PUBLIC_URL": "https://participer.example.lu",
		"DATABASE_URL": "postgres://x", "QUARTIER_SMTP_PASSWORD": "s3cret",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Env != "production" || cfg.HTTP.Addr != "0.0.0.0:9000" || cfg.Database.URL != "postgres://x" || cfg.Mail.SMTP.Password != "s3cret" {
		t.Fatalf("overrides not applied: %+v", cfg)
	}
}

func TestMissingConfigFile(t *testing.T) {
	if _, err := loadConfig("/nonexistent/config.yaml", false, envOf(nil)); err != nil {
		t.Fatalf("default path missing should mean defaults: %v", err)
	}
	if _, err := loadConfig("/nonexistent/config.yaml", true, envOf(nil)); err == nil {
		t.Fatal("an explicitly named missing file was accepted")
	}
	if d := defaultConfig().Auth.ResetLinkTTL; d != time.Hour {
		t.Fatalf("reset link default %v", d)
	}
}

// The configured scheduler and collector apply unless the operator's
// GOMAXPROCS, GOGC or GOMEMLIMIT says otherwise.
func TestRuntimeConfigYieldsToTheEnvironment(t *testing.T) {
	before := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(-1)
	procs := runtime.GOMAXPROCS(0)
	defer func() { debug.SetGCPercent(before); debug.SetMemoryLimit(limit); runtime.GOMAXPROCS(procs) }()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	applyRuntime(RuntimeConfig{ProcsPerCore: 2, GCPercent: 800, MemoryLimitMB: 64}, envOf(nil), log)
	if got := runtime.GOMAXPROCS(procs); got != 2*procs {
		t.Fatalf("GOMAXPROCS %d, want two per core: %d", got, 2*procs)
	}
	if got := debug.SetGCPercent(100); got != 800 {
		t.Fatalf("gc percent %d, want the configured 800", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 64<<20 {
		t.Fatalf("memory limit %d, want 64 MiB", got)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	applyRuntime(RuntimeConfig{ProcsPerCore: 2, GCPercent: 800, MemoryLimitMB: 64}, envOf(map[string]string{"GOMAXPROCS": "3", "GOGC": "200", "GOMEMLIMIT": "1GiB"}), log)
	if got := runtime.GOMAXPROCS(0); got != procs {
		t.Fatalf("GOMAXPROCS %d: the configuration overrode the environment's", got)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("gc percent %d: the configuration overrode GOGC", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("memory limit %d: the configuration overrode GOMEMLIMIT", got)
	}
}

// While the server is overloaded, collections wait for the memory limit;
// afterwards, and when the server stops, the configured percentage is back.
// Without a memory limit, or with GOGC set, nothing changes.
func TestCollectionsWaitForTheLimitWhileOverloaded(t *testing.T) {
	before := debug.SetGCPercent(800)
	limit := debug.SetMemoryLimit(256 << 20)
	defer func() { debug.SetGCPercent(before); debug.SetMemoryLimit(limit) }()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	gcPercent := func() int64 {
		s := []rtmetrics.Sample{{Name: "/gc/gogc:percent"}}
		rtmetrics.Read(s)
		return int64(s[0].Value.Uint64())
	}
	waitFor := func(want int64, what string) {
		t.Helper()
		for deadline := time.Now().Add(2 * time.Second); gcPercent() != want; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: gc percent %d, want %d", what, gcPercent(), want)
			}
		}
	}
	var overloaded atomic.Bool
	rc := RuntimeConfig{DeferGCWhenOverloaded: true}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { deferCollectionsWhileOverloaded(ctx, rc, envOf(nil), overloaded.Load, log); close(done) }()
	overloaded.Store(true)
	waitFor(-1, "overloaded") // off
	overloaded.Store(false)
	waitFor(800, "no longer overloaded")
	overloaded.Store(true)
	waitFor(-1, "overloaded again")
	cancel()
	<-done
	if got := gcPercent(); got != 800 {
		t.Fatalf("stopped while overloaded: gc percent %d, want 800 back", got)
	}

	// Without a memory limit, or with GOGC set, it returns at once.
	debug.SetMemoryLimit(math.MaxInt64)
	deferCollectionsWhileOverloaded(context.Background(), rc, envOf(nil), overloaded.Load, log)
	debug.SetMemoryLimit(256 << 20)
	deferCollectionsWhileOverloaded(context.Background(), rc, envOf(map[string]string{"GOGC": "200"}), overloaded.Load, log)
	if got := gcPercent(); got != 800 {
		t.Fatalf("gc percent %d changed without a limit or with GOGC", got)
	}
}
