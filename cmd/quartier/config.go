package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"go.yaml.in/yaml/v3"

	"quartier/core"
	"quartier/core/mail"
	"quartier/core/web"
	"quartier/geo"
	datasync "quartier/sync"
)

// Config is config.yaml after environment overrides. See config.yaml for the meaning
// and default of every field.
type Config struct {
	Env      string         `yaml:"env"`
	Log      LogConfig      `yaml:"log"`
	HTTP     HTTPConfig     `yaml:"http"`
	Database DatabaseConfig `yaml:"database"`
	Auth     AuthConfig     `yaml:"auth"`
	Mail     MailConfig     `yaml:"mail"`
	Map      MapConfig      `yaml:"map"`
	FollowUp FollowUpConfig `yaml:"followup"`
	Commune  CommuneConfig  `yaml:"commune"`
	Sync     SyncConfig     `yaml:"sync"`
	Login    LoginConfig    `yaml:"login"`
	Runtime  RuntimeConfig  `yaml:"runtime"`
}

// LoginConfig lists the OpenID Connect providers residents may sign in with.
type LoginConfig struct {
	Providers []ProviderConfig `yaml:"providers"`
}

// ProviderConfig is one OpenID Connect provider; its client secret comes from
// QUARTIER_OIDC_SECRET_<NAME> (the name in capitals, dashes as underscores).
type ProviderConfig struct {
	Name      string `yaml:"name"` // a neighbourhood app's provider takes its connector's name (hoplr)
	Label     string `yaml:"label"`
	Issuer    string `yaml:"issuer"`
	ClientID  string `yaml:"client_id"`
	AreaClaim string `yaml:"area_claim"` // the claim naming the member's neighbourhood
	Secret    string `yaml:"-"`
}

// secretVar is the environment variable holding a provider's client secret.
func (p ProviderConfig) secretVar() string {
	return "QUARTIER_OIDC_SECRET_" + strings.ToUpper(strings.ReplaceAll(p.Name, "-", "_"))
}

// SyncConfig configures the sync engine and its connectors.
type SyncConfig struct {
	Workers int `yaml:"workers"` // deliveries in flight at once
	// MaxConns is the sync engine's own database pool (its job queue, listeners
	// and deliveries), apart from database.max_conns, which serves requests.
	MaxConns int32          `yaml:"max_conns"`
	Council  string         `yaml:"council"` // cron: the monthly council submission
	Digest   string         `yaml:"digest"`  // cron: the weekly "what's new near you" mail
	Hoplr    HoplrConfig    `yaml:"hoplr"`
	Mastodon MastodonConfig `yaml:"mastodon"`
	Telegram TelegramConfig `yaml:"telegram"`
	Bluesky  BlueskyConfig  `yaml:"bluesky"`
	Facebook FacebookConfig `yaml:"facebook"`
	// Webhooks: AllowPrivate lets endpoints on private and loopback addresses
	// receive messages (an intranet); off, such addresses are refused.
	Webhooks struct {
		AllowPrivate bool `yaml:"allow_private"`
	} `yaml:"webhooks"`
}

// MastodonConfig is the commune's Mastodon account.
type MastodonConfig struct {
	Enabled  bool     `yaml:"enabled"`
	BaseURL  string   `yaml:"base_url"` // https://social.example.lu
	Token    string   `yaml:"-"`        // QUARTIER_MASTODON_TOKEN only
	Language string   `yaml:"language"`
	Kinds    []string `yaml:"kinds"`    // project, project_update, consultation, poll, event, results, answer
	Template string   `yaml:"template"` // {title}, {body}, {url}
	Pull     string   `yaml:"pull"`
}

// FacebookConfig is the commune's Facebook Page.
type FacebookConfig struct {
	Enabled  bool     `yaml:"enabled"`
	PageID   string   `yaml:"page_id"`
	Token    string   `yaml:"-"` // QUARTIER_FACEBOOK_PAGE_TOKEN only
	Kinds    []string `yaml:"kinds"`
	Template string   `yaml:"template"`
	Pull     string   `yaml:"pull"`
}

// BlueskyConfig is the commune's Bluesky account.
type BlueskyConfig struct {
	Enabled     bool     `yaml:"enabled"`
	BaseURL     string   `yaml:"base_url"` // the account's PDS
	Handle      string   `yaml:"handle"`
	AppPassword string   `yaml:"-"` // QUARTIER_BLUESKY_APP_PASSWORD only
	Language    string   `yaml:"language"`
	Kinds       []string `yaml:"kinds"`
	Pull        string   `yaml:"pull"`
}

// TelegramConfig is the commune's Telegram channel (a bot that is its admin).
type TelegramConfig struct {
	Enabled  bool     `yaml:"enabled"`
	Channel  string   `yaml:"channel"` // @name
	Token    string   `yaml:"-"`       // QUARTIER_TELEGRAM_TOKEN only
	Kinds    []string `yaml:"kinds"`
	Template string   `yaml:"template"`
}

// HoplrConfig is the neighbourhood-app connector.
type HoplrConfig struct {
	Enabled  bool   `yaml:"enabled"`
	BaseURL  string `yaml:"base_url"` // "fake": the built-in fake app (development only)
	ClientID string `yaml:"client_id"`
	Username string `yaml:"username"`
	Password string `yaml:"-"` // QUARTIER_HOPLR_PASSWORD only
	Pull     string `yaml:"pull"`
	Areas    string `yaml:"areas"`
}

// CommuneConfig is how printed flyers present the commune.
type CommuneConfig struct {
	Name     string `yaml:"name"`      // empty: the public URL's host name
	Logo     string `yaml:"logo"`      // path to a PNG or JPEG file; empty for none
	TimeZone string `yaml:"time_zone"` // where schedules are read
	FlyerDir string `yaml:"flyer_dir"` // where finished flyer PDFs wait a day; empty: a folder of the server's user in the temporary directory
	// Contact is where residents write about the platform (the accessibility
	// statement's feedback address); empty: the statement sends them to the commune.
	Contact string `yaml:"contact_email"`
	// DPO is the commune's data protection officer's address, named by the
	// privacy notice (/privacy); empty: the notice names Contact alone.
	DPO string `yaml:"dpo_email"`
}

type FollowUpConfig struct {
	SupportThreshold int `yaml:"support_threshold"`
	ReviewDays       int `yaml:"review_days"`
	AnswerDays       int `yaml:"answer_days"`
	ReminderHour     int `yaml:"reminder_hour"`
}

type MapConfig struct {
	TileURL         string `yaml:"tile_url"`
	TileAttribution string `yaml:"tile_attribution"`
	AssetsDir       string `yaml:"assets_dir"`
	// Center and Zoom are where maps open when nothing on them says better
	// (the commune's centre).
	Center struct {
		Lat float64 `yaml:"lat"`
		Lon float64 `yaml:"lon"`
	} `yaml:"center"`
	Zoom int `yaml:"zoom"`
}

type LogConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

type HTTPConfig struct {
	Addr            string        `yaml:"addr"`
	PublicURL       string        `yaml:"public_url"`
	MaxBodyBytes    int64         `yaml:"max_body_bytes"`
	MaxUploadBytes  int64         `yaml:"max_upload_bytes"`
	MaxInFlight     int           `yaml:"max_in_flight"`
	QueueWait       time.Duration `yaml:"queue_wait"`
	BurstWait       time.Duration `yaml:"burst_wait"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	TrustedProxies  []string      `yaml:"trusted_proxies"`
}

type DatabaseConfig struct {
	URL      string `yaml:"-"` // DATABASE_URL only: it may hold a password
	MaxConns int32  `yaml:"max_conns"`
}

type LimitConfig struct {
	Max    int           `yaml:"max"`
	Window time.Duration `yaml:"window"`
}

type AuthConfig struct {
	// StaffTwoStep sends staff without two-step verification to turn it on
	// before any staff page.
	StaffTwoStep   bool          `yaml:"staff_two_step"`
	SessionTTL     time.Duration `yaml:"session_ttl"`
	ConfirmLinkTTL time.Duration `yaml:"confirm_link_ttl"`
	ResetLinkTTL   time.Duration `yaml:"reset_link_ttl"`
	RateLimits     struct {
		LoginPerIP      LimitConfig `yaml:"login_per_ip"`
		LoginPerAccount LimitConfig `yaml:"login_per_account"`
		SignupPerIP     LimitConfig `yaml:"signup_per_ip"`
		MailPerAddress  LimitConfig `yaml:"mail_per_address"`
		ResetPerIP      LimitConfig `yaml:"reset_per_ip"`
		APIWritePerUser LimitConfig `yaml:"api_write_per_user"`
		FlagsPerUser    LimitConfig `yaml:"flags_per_user"`
		CodesPerAccount LimitConfig `yaml:"codes_per_account"`
		CodesPerIP      LimitConfig `yaml:"codes_per_ip"`
	} `yaml:"rate_limits"`
	HideAfterFlags int `yaml:"hide_after_flags"`
}

type MailConfig struct {
	From       string `yaml:"from"`
	DevCatcher string `yaml:"dev_catcher"`
	SMTP       struct {
		Host     string        `yaml:"host"`
		Port     int           `yaml:"port"`
		TLS      string        `yaml:"tls"`
		Username string        `yaml:"username"`
		Password string        `yaml:"-"` // QUARTIER_SMTP_PASSWORD only
		Timeout  time.Duration `yaml:"timeout"`
	} `yaml:"smtp"`
}

// defaultConfig is what an empty config.yaml means; config.yaml repeats these
// values so an operator sees them.
func defaultConfig() Config {
	var c Config
	c.Env = web.EnvDevelopment
	c.Log.Level = "info"
	c.HTTP.Addr = "127.0.0.1:8080"
	c.HTTP.PublicURL = "http://localhost:8080"
	c.HTTP.MaxBodyBytes = 1 << 20
	c.HTTP.MaxUploadBytes = 128 << 20
	c.HTTP.MaxInFlight = 8
	c.HTTP.QueueWait = time.Millisecond
	c.HTTP.BurstWait = 100 * time.Millisecond
	c.Map.TileURL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
	c.Map.TileAttribution = "© OpenStreetMap contributors"
	c.Map.AssetsDir = "node_modules"
	c.Map.Center.Lat, c.Map.Center.Lon, c.Map.Zoom = web.DefaultMapCenter.Lat(), web.DefaultMapCenter.Lon(), web.DefaultMapZoom
	c.FollowUp = FollowUpConfig{SupportThreshold: 50, ReviewDays: 30, AnswerDays: 60, ReminderHour: 7}
	c.HTTP.ShutdownTimeout = 20 * time.Second
	c.Runtime = RuntimeConfig{ProcsPerCore: 2, GCPercent: 2400, MemoryLimitMB: 1024, DeferGCWhenOverloaded: true}
	c.Database.MaxConns = 10
	c.Auth.SessionTTL = 30 * 24 * time.Hour
	c.Auth.ConfirmLinkTTL = 48 * time.Hour
	c.Auth.ResetLinkTTL = time.Hour
	rl := &c.Auth.RateLimits
	rl.LoginPerIP = LimitConfig{30, 15 * time.Minute}
	rl.LoginPerAccount = LimitConfig{10, 15 * time.Minute}
	rl.SignupPerIP = LimitConfig{20, time.Hour}
	rl.MailPerAddress = LimitConfig{5, time.Hour}
	rl.ResetPerIP = LimitConfig{20, time.Hour}
	rl.APIWritePerUser = LimitConfig{120, time.Minute}
	rl.FlagsPerUser = LimitConfig{20, time.Hour}
	rl.CodesPerAccount = LimitConfig{5, time.Hour}
	rl.CodesPerIP = LimitConfig{20, time.Hour}
	c.Auth.HideAfterFlags = 3
	c.Commune.TimeZone = "Europe/Luxembourg"
	c.Login.Providers = []ProviderConfig{}
	c.Sync.Workers = 16
	c.Sync.MaxConns = 8
	c.Sync.Council = "0 8 1 * *"
	c.Sync.Digest = "0 9 * * 1"
	c.Sync.Hoplr.Pull = "*/5 * * * *"
	c.Sync.Hoplr.Areas = "0 3 * * *"
	c.Sync.Mastodon.Language = "fr"
	c.Sync.Mastodon.Kinds = []string{"project_update", "consultation", "answer"}
	c.Sync.Mastodon.Template = "{title}\n\n{body}\n\n{url}"
	c.Sync.Mastodon.Pull = "*/15 * * * *"
	c.Sync.Telegram.Kinds = []string{"project_update", "consultation", "answer"}
	c.Sync.Facebook.Kinds = []string{"project_update", "consultation", "answer"}
	c.Sync.Facebook.Template = "{title}\n\n{body}"
	c.Sync.Facebook.Pull = "*/15 * * * *"
	c.Sync.Bluesky.BaseURL = "https://bsky.social"
	c.Sync.Bluesky.Language = "fr"
	c.Sync.Bluesky.Kinds = []string{"project_update", "consultation", "answer"}
	c.Sync.Bluesky.Pull = "*/15 * * * *"
	c.Sync.Telegram.Template = "{title}\n\n{body}\n\n{url}"
	c.Mail.From = "Quartier <no-reply@quartier.localhost>"
	c.Mail.DevCatcher = "127.0.0.1:2525"
	c.Mail.SMTP.Host = "127.0.0.1"
	c.Mail.SMTP.Port = 2525
	c.Mail.SMTP.TLS = mail.TLSNone
	c.Mail.SMTP.Timeout = 30 * time.Second
	return c
}

// loadConfig reads path (a missing default file is fine; a missing named file is
// not), decodes it strictly, applies the environment and validates the result.
func loadConfig(path string, explicit bool, getenv func(string) string) (Config, error) {
	cfg := defaultConfig()
	raw, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := decodeStrict(raw, &cfg); err != nil {
			return Config{}, fmt.Errorf("config %s: %w", path, err)
		}
	case errors.Is(err, os.ErrNotExist) && !explicit:
	default:
		return Config{}, fmt.Errorf("config: %w", err)
	}
	applyEnv(&cfg, getenv)
	if err := cfg.validate(); err != nil {
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// decodeStrict rejects unknown keys, naming the key and its line.
func decodeStrict(raw []byte, cfg *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return errors.New(strings.ReplaceAll(err.Error(), "yaml: unmarshal errors:\n  ", ""))
	}
	return nil
}

// applyEnv lets the environment override the file. Secrets come only from here.
func applyEnv(cfg *Config, getenv func(string) string) {
	if v := getenv("QUARTIER_ENV"); v != "" {
		cfg.Env = v
	}
	if v := getenv("QUARTIER_ADDR"); v != "" {
		cfg.HTTP.Addr = v
	}
	if v := getenv("QUARTIER_PUBLIC_URL"); v != "" {
		cfg.HTTP.PublicURL = v
	}
	cfg.Database.URL = getenv("DATABASE_URL")
	cfg.Mail.SMTP.Password = getenv("QUARTIER_SMTP_PASSWORD")
	cfg.Sync.Hoplr.Password = getenv("QUARTIER_HOPLR_PASSWORD")
	cfg.Sync.Mastodon.Token = getenv("QUARTIER_MASTODON_TOKEN")
	cfg.Sync.Telegram.Token = getenv("QUARTIER_TELEGRAM_TOKEN")
	cfg.Sync.Bluesky.AppPassword = getenv("QUARTIER_BLUESKY_APP_PASSWORD")
	cfg.Sync.Facebook.Token = getenv("QUARTIER_FACEBOOK_PAGE_TOKEN")
	if getenv("QUARTIER_DEMO_APP") == "1" { // `make run`: the fake neighbourhood app (development only)
		cfg.Sync.Hoplr.Enabled, cfg.Sync.Hoplr.BaseURL = true, "fake"
		// and a commune to name, so that the statements read as they will
		if cfg.Commune.Name == "" {
			cfg.Commune.Name, cfg.Commune.Contact, cfg.Commune.DPO = "Commune de démonstration", "participation@quartier.test", "dpo@quartier.test"
		}
	}
	for i, p := range cfg.Login.Providers {
		cfg.Login.Providers[i].Secret = getenv(p.secretVar())
	}
}

// providerName is what a login provider's name may look like (it is in URLs).
var providerName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,30}$`)

func (c Config) validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if c.Env != web.EnvDevelopment && c.Env != web.EnvProduction {
		add("env (or QUARTIER_ENV) must be %q or %q, not %q", web.EnvDevelopment, web.EnvProduction, c.Env)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		add("log.level must be debug, info, warn or error, not %q", c.Log.Level)
	}
	if c.Log.Format != "" && c.Log.Format != "text" && c.Log.Format != "json" {
		add("log.format must be text, json or empty, not %q", c.Log.Format)
	}
	if _, port, err := net.SplitHostPort(c.HTTP.Addr); err != nil {
		add("http.addr (or QUARTIER_ADDR) must be host:port, like 127.0.0.1:8080, not %q", c.HTTP.Addr)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		add("http.addr port must be a number from 0 to 65535, not %q", port)
	}
	if u, err := url.Parse(c.HTTP.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		add("http.public_url must be an absolute http(s) URL, like https://participer.example.lu, not %q", c.HTTP.PublicURL)
	} else if c.Env == web.EnvProduction && u.Scheme != "https" {
		add("http.public_url must use https in production (cookies are only safe over TLS)")
	}
	if c.HTTP.MaxBodyBytes < 1024 {
		add("http.max_body_bytes must be at least 1024")
	}
	if r := c.Runtime; r.MemoryLimitMB < 0 || (r.GCPercent < 25 && r.GCPercent != -1) || (r.GCPercent == -1 && r.MemoryLimitMB == 0) {
		add("runtime.gc_percent must be at least 25, or -1 with a runtime.memory_limit_mb (which cannot be negative)")
	}
	if r := c.Runtime.ProcsPerCore; r < 1 || r > 8 {
		add("runtime.procs_per_core must be between 1 and 8, not %d", r)
	}
	if c.HTTP.MaxInFlight < 0 || c.HTTP.QueueWait < 0 || c.HTTP.BurstWait < 0 {
		add("http.max_in_flight, http.queue_wait and http.burst_wait cannot be negative")
	}
	if c.Auth.HideAfterFlags < 1 {
		add("auth.hide_after_flags must be at least 1")
	}
	if c.HTTP.MaxUploadBytes < c.HTTP.MaxBodyBytes {
		add("http.max_upload_bytes must be at least http.max_body_bytes")
	}
	if t := c.Map.TileURL; t != "" && (!strings.Contains(t, "{z}") || !(strings.HasPrefix(t, "https://") || strings.HasPrefix(t, "http://"))) {
		add("map.tile_url must be an http(s) URL template with {z}, {x} and {y}, or empty for no tiles, not %q", t)
	}
	if m := c.Map; !geo.InBenelux(orb.Point{m.Center.Lon, m.Center.Lat}) || m.Zoom < 5 || m.Zoom > 18 {
		add("map.center must lie in the Benelux (lat and lon in degrees, like lat: 49.8467, lon: 6.1042) and map.zoom be from 5 to 18, not %v, %v and %d",
			m.Center.Lat, m.Center.Lon, m.Zoom)
	}
	if f := c.FollowUp; f.SupportThreshold < 1 || f.ReviewDays < 1 || f.AnswerDays < 1 || f.ReminderHour < 0 || f.ReminderHour > 23 {
		add("followup needs support_threshold, review_days and answer_days of at least 1, and reminder_hour from 0 to 23")
	}
	if c.HTTP.ShutdownTimeout <= 0 {
		add("http.shutdown_timeout must be positive, like 20s")
	}
	if c.Sync.MaxConns < 3 {
		add("sync.max_conns must be at least 3 (two listeners and the work)")
	}
	if c.Database.MaxConns < 1 {
		add("database.max_conns must be at least 1")
	}
	for name, d := range map[string]time.Duration{
		"auth.session_ttl": c.Auth.SessionTTL, "auth.confirm_link_ttl": c.Auth.ConfirmLinkTTL, "auth.reset_link_ttl": c.Auth.ResetLinkTTL,
	} {
		if d < time.Minute {
			add("%s must be at least 1m", name)
		}
	}
	rl := c.Auth.RateLimits
	for name, l := range map[string]LimitConfig{
		"login_per_ip": rl.LoginPerIP, "login_per_account": rl.LoginPerAccount, "signup_per_ip": rl.SignupPerIP,
		"mail_per_address": rl.MailPerAddress, "reset_per_ip": rl.ResetPerIP, "api_write_per_user": rl.APIWritePerUser,
		"flags_per_user": rl.FlagsPerUser, "codes_per_account": rl.CodesPerAccount, "codes_per_ip": rl.CodesPerIP,
	} {
		if l.Max < 1 || l.Window < time.Second {
			add("auth.rate_limits.%s needs max >= 1 and a window of at least 1s", name)
		}
	}
	if _, err := mail.NewSender(c.smtpConfig()); err != nil {
		add("mail: %v", err)
	}
	if _, _, err := c.communeLogo(); err != nil {
		add("%v", err)
	}
	for key, address := range map[string]string{"contact_email": c.Commune.Contact, "dpo_email": c.Commune.DPO} {
		if address == "" {
			continue
		}
		if _, err := core.NormalizeEmail(address); err != nil {
			add("commune.%s %q is not an e-mail address", key, address)
		}
	}
	zone, err := time.LoadLocation(c.Commune.TimeZone)
	if err != nil {
		add("commune.time_zone %q is not a time zone (e.g. Europe/Luxembourg)", c.Commune.TimeZone)
		zone = time.UTC
	}
	if c.Sync.Workers < 1 {
		add("sync.workers must be at least 1")
	}
	for name, spec := range map[string]string{"sync.council": c.Sync.Council, "sync.digest": c.Sync.Digest, "sync.hoplr.pull": c.Sync.Hoplr.Pull, "sync.hoplr.areas": c.Sync.Hoplr.Areas} {
		if _, err := datasync.ParseSchedule(spec, zone); err != nil {
			add("%s: %v", name, err)
		}
	}
	seen := map[string]bool{}
	for _, p := range c.Login.Providers {
		switch {
		case !providerName.MatchString(p.Name) || seen[p.Name]:
			add("login.providers: names are unique, lower-case letters, digits and dashes (%q)", p.Name)
		case !strings.HasPrefix(p.Issuer, "https://"):
			add("login.providers %s: issuer must be an https URL", p.Name)
		case p.ClientID == "" || p.Secret == "" || p.Label == "":
			add("login.providers %s needs label, client_id and %s", p.Name, p.secretVar())
		}
		seen[p.Name] = true
	}
	if m := c.Sync.Mastodon; m.Enabled {
		if !strings.HasPrefix(m.BaseURL, "https://") || m.Token == "" {
			add("sync.mastodon needs an https base_url and QUARTIER_MASTODON_TOKEN")
		}
		for _, k := range m.Kinds {
			switch core.PublicationKind(k) {
			case core.PubProject, core.PubProjectUpdate, core.PubConsultation, core.PubPoll, core.PubEvent, core.PubResults, core.PubAnswer:
			default:
				add("sync.mastodon.kinds: %q is not project, project_update, consultation, poll, event, results or answer", k)
			}
		}
		if _, err := datasync.ParseSchedule(m.Pull, time.UTC); err != nil {
			add("sync.mastodon.pull: %v", err)
		}
	}
	if f := c.Sync.Facebook; f.Enabled {
		if f.PageID == "" || f.Token == "" {
			add("sync.facebook needs page_id and QUARTIER_FACEBOOK_PAGE_TOKEN")
		}
		if _, err := datasync.ParseSchedule(f.Pull, time.UTC); err != nil {
			add("sync.facebook.pull: %v", err)
		}
	}
	if b := c.Sync.Bluesky; b.Enabled {
		if !strings.HasPrefix(b.BaseURL, "https://") || b.Handle == "" || b.AppPassword == "" {
			add("sync.bluesky needs an https base_url, a handle and QUARTIER_BLUESKY_APP_PASSWORD")
		}
		if _, err := datasync.ParseSchedule(b.Pull, time.UTC); err != nil {
			add("sync.bluesky.pull: %v", err)
		}
	}
	if tg := c.Sync.Telegram; tg.Enabled && (!strings.HasPrefix(tg.Channel, "@") || tg.Token == "") {
		add("sync.telegram needs channel (@name) and QUARTIER_TELEGRAM_TOKEN")
	}
	if h := c.Sync.Hoplr; h.Enabled {
		switch {
		case h.BaseURL == "fake" && c.Env != web.EnvDevelopment:
			add("sync.hoplr.base_url: the fake app runs in development only")
		case h.BaseURL == "fake":
		case !strings.HasPrefix(h.BaseURL, "https://"):
			add("sync.hoplr.base_url must be an https URL (or \"fake\" in development)")
		case h.ClientID == "" || h.Username == "" || h.Password == "":
			add("sync.hoplr needs client_id, username and QUARTIER_HOPLR_PASSWORD")
		}
	}
	if c.Mail.DevCatcher != "" {
		if _, _, err := net.SplitHostPort(c.Mail.DevCatcher); err != nil {
			add("mail.dev_catcher must be host:port or empty, not %q", c.Mail.DevCatcher)
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

func (c Config) smtpConfig() mail.SMTPConfig {
	s := c.Mail.SMTP
	return mail.SMTPConfig{Host: s.Host, Port: s.Port, TLS: s.TLS, Username: s.Username, Password: s.Password, From: c.Mail.From, Timeout: s.Timeout}
}

// communeLogo reads the configured logo: its bytes and fpdf's image type.
func (c Config) communeLogo() ([]byte, string, error) {
	if c.Commune.Logo == "" {
		return nil, "", nil
	}
	data, err := os.ReadFile(c.Commune.Logo)
	if err != nil {
		return nil, "", fmt.Errorf("commune.logo: %w", err)
	}
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return data, "PNG", nil
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}):
		return data, "JPG", nil
	}
	return nil, "", fmt.Errorf("commune.logo: %s is neither a PNG nor a JPEG image", c.Commune.Logo)
}

func (c Config) webConfig(version string) web.Config {
	u, _ := url.Parse(c.HTTP.PublicURL) // validated
	lim := func(l LimitConfig) web.Limit { return web.Limit{Max: l.Max, Window: l.Window} }
	rl := c.Auth.RateLimits
	return web.Config{
		Env: c.Env, PublicURL: u, MaxBodyBytes: c.HTTP.MaxBodyBytes, MaxUploadBytes: c.HTTP.MaxUploadBytes,
		Map: web.MapConfig{TileURL: c.Map.TileURL, TileAttribution: c.Map.TileAttribution, AssetsDir: c.Map.AssetsDir,
			Center: orb.Point{c.Map.Center.Lon, c.Map.Center.Lat}, Zoom: c.Map.Zoom},
		SessionTTL: c.Auth.SessionTTL, ConfirmLinkTTL: c.Auth.ConfirmLinkTTL, ResetLinkTTL: c.Auth.ResetLinkTTL,
		StaffTwoStep:   c.Auth.StaffTwoStep,
		TrustedProxies: c.HTTP.TrustedProxies, Version: version,
		FollowUp: c.followUp(),
		Limits: web.RateLimits{
			LoginPerIP: lim(rl.LoginPerIP), LoginPerAccount: lim(rl.LoginPerAccount), SignupPerIP: lim(rl.SignupPerIP),
			MailPerAddress: lim(rl.MailPerAddress), ResetPerIP: lim(rl.ResetPerIP), APIWritePerUser: lim(rl.APIWritePerUser),
			FlagsPerUser: lim(rl.FlagsPerUser), CodesPerAccount: lim(rl.CodesPerAccount), CodesPerIP: lim(rl.CodesPerIP),
		},
		HideAfterFlags: c.Auth.HideAfterFlags,
		Commune:        web.Commune{Name: c.Commune.Name, Contact: c.Commune.Contact, DPO: c.Commune.DPO}, // the logo is read by serve
		FlyerDir:       c.Commune.FlyerDir,
		MaxInFlight:    c.HTTP.MaxInFlight, QueueWait: c.HTTP.QueueWait, BurstWait: c.HTTP.BurstWait,
	}
}

// followUp is the commune's procedure for ideas, for the web and the sync engine alike.
func (c Config) followUp() core.FollowUp {
	return core.FollowUp{SupportThreshold: c.FollowUp.SupportThreshold, ReviewDays: c.FollowUp.ReviewDays, AnswerDays: c.FollowUp.AnswerDays}
}
