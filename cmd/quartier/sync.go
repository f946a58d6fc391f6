package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"quartier/connectors/bluesky"
	"quartier/connectors/facebook"
	"quartier/connectors/hoplr"
	"quartier/connectors/hoplr/fake"
	"quartier/connectors/mastodon"
	"quartier/connectors/oidc"
	"quartier/connectors/telegram"
	"quartier/connectors/webhook"
	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/web"
	datasync "quartier/sync"
)

// engineJobs are the platform's own scheduled work, run by the engine, and
// how it tells staff that something needs them.
type engineJobs struct {
	followUp func(ctx context.Context) error // assignment and reminders, daily
	council  func(ctx context.Context) error // the monthly submission
	digest   func(ctx context.Context) error // "what's new near you", weekly
	meetings func(ctx context.Context) error // event reminders, hourly
	results  func(ctx context.Context) error // announce closed consultations, every 10 minutes
	// reviewFollowUp runs core.TaskReviewFollowUp: an idea reached its threshold.
	reviewFollowUp func(ctx context.Context, ideaID int64) error
	notify         func(ctx context.Context, reason, detail string)
	commentNotice  func(postgres.CommentNotice) core.Mail // mails about comments pulled from the apps
}

// buildEngine assembles the sync engine from the configuration: connectors,
// their schedules and the platform's scheduled jobs. fakeApp is the address of
// the development fake app when sync.hoplr.base_url is "fake".
func buildEngine(cfg Config, store *postgres.Store, log *slog.Logger, jobs engineJobs, fakeApp string) (*datasync.Engine, error) {
	zone, err := time.LoadLocation(cfg.Commune.TimeZone)
	if err != nil {
		return nil, err
	}
	opts := datasync.Options{BaseURL: cfg.HTTP.PublicURL, Zone: zone, Workers: cfg.Sync.Workers,
		Webhooks: webhook.New(10*time.Second, cfg.Sync.Webhooks.AllowPrivate), Notify: jobs.notify, FollowUp: cfg.followUp(),
		CommentNotice: jobs.commentNotice}
	if jobs.reviewFollowUp != nil {
		opts.Tasks = append(opts.Tasks, datasync.Task{Name: core.TaskReviewFollowUp, Run: jobs.reviewFollowUp})
	}
	if h := cfg.Sync.Hoplr; h.Enabled {
		hc := hoplr.Config{BaseURL: h.BaseURL, ClientID: h.ClientID, Username: h.Username, Password: h.Password}
		if h.BaseURL == "fake" {
			hc = hoplr.Config{BaseURL: fakeApp, ClientID: fakeClientID, Username: fakeUsername, Password: fakePassword}
		}
		// The fake app starts empty at each start: it gets the whole history.
		opts.Connectors = append(opts.Connectors, datasync.Connector{Connector: hoplr.New(hc), PullSpec: h.Pull, AreasSpec: h.Areas,
			Backfill: h.BaseURL == "fake"})
	}
	if m := cfg.Sync.Mastodon; m.Enabled {
		opts.Connectors = append(opts.Connectors, datasync.Connector{Connector: mastodon.New(mastodon.Config{BaseURL: m.BaseURL, Token: m.Token,
			Language: m.Language, Kinds: publicationKinds(m.Kinds), Template: m.Template}), PullSpec: m.Pull, Language: postLanguage(m.Language)})
	}
	if f := cfg.Sync.Facebook; f.Enabled {
		opts.Connectors = append(opts.Connectors, datasync.Connector{Connector: facebook.New(facebook.Config{PageID: f.PageID, Token: f.Token,
			Kinds: publicationKinds(f.Kinds), Template: f.Template}), PullSpec: f.Pull})
	}
	if b := cfg.Sync.Bluesky; b.Enabled {
		opts.Connectors = append(opts.Connectors, datasync.Connector{Connector: bluesky.New(bluesky.Config{BaseURL: b.BaseURL, Handle: b.Handle,
			AppPassword: b.AppPassword, Language: b.Language, Kinds: publicationKinds(b.Kinds)}), PullSpec: b.Pull, Language: postLanguage(b.Language)})
	}
	if tg := cfg.Sync.Telegram; tg.Enabled {
		opts.Connectors = append(opts.Connectors, datasync.Connector{Connector: telegram.New(telegram.Config{Token: tg.Token,
			ChatID: tg.Channel, Kinds: publicationKinds(tg.Kinds), Template: tg.Template})})
	}
	if jobs.followUp != nil {
		opts.Jobs = append(opts.Jobs, datasync.ScheduledJob{Name: "followup", Spec: fmt.Sprintf("0 %d * * *", cfg.FollowUp.ReminderHour), Run: jobs.followUp})
	}
	if jobs.council != nil {
		opts.Jobs = append(opts.Jobs, datasync.ScheduledJob{Name: "council", Spec: cfg.Sync.Council, Run: jobs.council})
	}
	if jobs.digest != nil {
		opts.Jobs = append(opts.Jobs, datasync.ScheduledJob{Name: "weekly_digest", Spec: cfg.Sync.Digest, Run: jobs.digest})
	}
	if jobs.results != nil {
		opts.Jobs = append(opts.Jobs, datasync.ScheduledJob{Name: "announce_results", Spec: "*/10 * * * *", Run: jobs.results})
	}
	if jobs.meetings != nil {
		opts.Jobs = append(opts.Jobs, datasync.ScheduledJob{Name: "meeting_reminders", Spec: "5 * * * *", Run: jobs.meetings})
	}
	return datasync.New(store, log, opts)
}

// syncCmd is `quartier sync status` and `quartier sync run CONNECTOR`.
func (e *commandEnv) syncCmd(args []string) error {
	if len(args) == 0 || (args[0] != "status" && args[0] != "run") || (args[0] == "run" && len(args) != 2) {
		return usageError{"usage: quartier sync status | quartier sync run CONNECTOR"}
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	store, err := openStore(e.ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := requireCurrentSchema(e.ctx, store); err != nil {
		return err
	}
	if err := requireJobQueue(e.ctx, store); err != nil {
		return err
	}
	log := newLogger(cfg, e.stderr)
	fakeApp := ""
	if cfg.Sync.Hoplr.Enabled && cfg.Sync.Hoplr.BaseURL == "fake" {
		stop, addr, err := startFakeApp(e.ctx, log)
		if err != nil {
			return err
		}
		defer stop()
		fakeApp = addr
	}
	engine, err := buildEngine(cfg, store, log, engineJobs{}, fakeApp)
	if err != nil {
		return err
	}
	if args[0] == "run" {
		name := args[1]
		if _, err := engine.RefreshAreas(e.ctx, name); err != nil {
			return fmt.Errorf("sync run %s: areas: %w", name, err)
		}
		rep, err := engine.Pull(e.ctx, name)
		if err != nil {
			return fmt.Errorf("sync run %s: pull: %w", name, err)
		}
		queued, err := engine.Dispatch(e.ctx)
		if err != nil {
			return fmt.Errorf("sync run %s: dispatch: %w", name, err)
		}
		fmt.Fprintf(e.stdout, "%s: %d page(s) pulled, %d imported, %d already there, %d refused; %d deliveries queued (the server's workers send them)\n",
			name, rep.Pages, rep.Imported, rep.Duplicates, rep.Refused, queued)
		return nil
	}
	status, err := engine.Status(e.ctx)
	if err != nil {
		return err
	}
	if len(status) == 0 {
		fmt.Fprintln(e.stdout, "no connector is enabled (see sync in config.yaml)")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONNECTOR\tLAST PULL\tNEXT PULL\tPUBLISHED\tIMPORTED\tWAITING\tFAILED\tREFUSED")
	for _, s := range status {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", s.Name, stamp(s.LastPull), stamp(s.NextPull), s.Published, s.Imported, s.Waiting, len(s.Failed), len(s.Refused))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range status {
		for _, f := range s.Failed {
			fmt.Fprintf(e.stdout, "failed: %s job %d: %s %d (revision %d) after %d attempt(s): %s\n", s.Name, f.JobID, f.Entity, f.EntityID, f.Revision, f.Attempts, f.Error)
		}
	}
	return nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// The development fake app's partner account.
const (
	fakeClientID = "quartier-demo"
	fakeUsername = "commune@quartier.test"
	fakePassword = "demo-partner-password"
)

// startFakeApp serves the fake neighbourhood app (its partner API and a page
// where a newcomer plays the members) on a local port.
func startFakeApp(ctx context.Context, log *slog.Logger) (stop func(), addr string, err error) {
	app := demoFakeApp()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("fake app: %w", err)
	}
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("fake app stopped", "err", err)
		}
	}()
	addr = "http://" + ln.Addr().String()
	log.Info("fake neighbourhood app listening", "url", addr)
	return func() { _ = srv.Shutdown(context.WithoutCancel(ctx)) }, addr, nil
}

// loginProviders are the configured OpenID Connect providers, plus the fake
// app's when it runs.
func loginProviders(cfg Config, fakeApp string) []web.LoginProvider {
	var out []web.LoginProvider
	callback := func(name string) string {
		return strings.TrimSuffix(cfg.HTTP.PublicURL, "/") + "/login/oidc/" + name + "/callback"
	}
	for _, p := range cfg.Login.Providers {
		out = append(out, oidc.New(oidc.Config{Name: p.Name, Label: p.Label, Issuer: p.Issuer, ClientID: p.ClientID,
			ClientSecret: p.Secret, RedirectURL: callback(p.Name), AreaClaim: p.AreaClaim}))
	}
	if fakeApp != "" {
		out = append(out, oidc.New(oidc.Config{Name: "hoplr", Label: "Hoplr (fake app)", Issuer: fakeApp, ClientID: fakeClientID,
			ClientSecret: fake.OIDCSecret, RedirectURL: callback("hoplr"), AreaClaim: "neighbourhood"}))
	}
	return out
}

func publicationKinds(names []string) []core.PublicationKind {
	out := make([]core.PublicationKind, len(names))
	for i, n := range names {
		out[i] = core.PublicationKind(n)
	}
	return out
}

// postLanguage is the language of Quartier's own words in a network's posts:
// the account's language when Quartier speaks it, the commune's otherwise.
func postLanguage(code string) core.Language {
	if l, ok := core.ParseLanguage(code); ok {
		return l
	}
	return core.DefaultLanguage
}
