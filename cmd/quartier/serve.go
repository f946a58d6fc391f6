package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"quartier/connectors/webhook"
	"quartier/core"
	"quartier/core/mail"
	"quartier/core/postgres"
	"quartier/core/web"
	datasync "quartier/sync"
)

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level)) // validated
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.Log.Format
	if format == "" {
		format = "text"
		if cfg.Env == web.EnvProduction {
			format = "json"
		}
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openStore connects to DATABASE_URL.
func openStore(ctx context.Context, cfg Config) (*postgres.Store, error) {
	if cfg.Database.URL == "" {
		return nil, errors.New("DATABASE_URL is not set: point it at the PostgreSQL database (make run starts one for you)")
	}
	store, err := postgres.Open(ctx, cfg.Database.URL, postgres.Options{MaxConns: cfg.Database.MaxConns})
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	return store, nil
}

func (e *commandEnv) migrate(args []string) error {
	fs := e.flags("migrate")
	if err := e.parse(fs, args); err != nil {
		return err
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
	applied, err := store.Migrate(e.ctx)
	if err != nil {
		return err
	}
	if _, err := datasync.Migrate(e.ctx, store.Pool()); err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(e.stdout, "schema is current (version %d)\n", postgres.LatestVersion())
		return nil
	}
	fmt.Fprintf(e.stdout, "applied migrations %v; schema is at version %d\n", applied, postgres.LatestVersion())
	return nil
}

func (e *commandEnv) serve(args []string) error {
	fs := e.flags("serve")
	migrate := fs.Bool("migrate", false, "apply pending migrations before serving")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	log := newLogger(cfg, e.stderr)
	applyRuntime(cfg.Runtime, e.getenv, log)
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()

	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	if *migrate {
		applied, err := store.Migrate(ctx)
		if err != nil {
			return err
		}
		if len(applied) > 0 {
			log.Info("migrations applied", "versions", applied)
		}
		if n, err := datasync.Migrate(ctx, store.Pool()); err != nil {
			return err
		} else if n > 0 {
			log.Info("job queue migrations applied", "versions", n)
		}
	}
	if err := requireCurrentSchema(ctx, store); err != nil {
		return err
	}
	if err := requireJobQueue(ctx, store); err != nil {
		return err
	}

	var mailbox web.Mailbox
	smtpCfg := cfg.smtpConfig()
	if cfg.Env == web.EnvDevelopment && cfg.Mail.DevCatcher != "" {
		catcher, err := mail.StartCatcher(cfg.Mail.DevCatcher, 200, log)
		if err != nil {
			return fmt.Errorf("%w (set mail.dev_catcher to another address, or empty to send through mail.smtp)", err)
		}
		defer catcher.Close()
		mailbox = catcher
		// Everything goes to the catcher, whatever mail.smtp says.
		smtpCfg.Host, smtpCfg.Port, smtpCfg.TLS, smtpCfg.Username = "127.0.0.1", catcher.Addr().Port, mail.TLSNone, ""
		log.Info("development mailbox listening", "smtp", catcher.Addr().String(), "page", "/dev/mail")
	} else if cfg.Env == web.EnvProduction && cfg.Mail.DevCatcher != "" {
		log.Warn("mail.dev_catcher is ignored in production")
	}
	sender, err := mail.NewSender(smtpCfg)
	if err != nil {
		return err
	}
	outbox := mail.NewOutbox(store, sender, log, 10*time.Second)
	go outbox.Run(ctx)
	go sweepExpired(ctx, store, log)

	webCfg := cfg.webConfig(buildVersion())
	if webCfg.Commune.Logo, webCfg.Commune.LogoType, err = cfg.communeLogo(); err != nil {
		return err
	}
	fakeApp := ""
	if cfg.Sync.Hoplr.Enabled && cfg.Sync.Hoplr.BaseURL == "fake" {
		stop, addr, err := startFakeApp(ctx, log)
		if err != nil {
			return err
		}
		defer stop()
		fakeApp = addr
		fmt.Fprintf(e.stdout, "fake neighbourhood app on %s\n", addr)
		if err := store.ResetConnector(ctx, "hoplr"); err != nil { // the fake starts empty
			return err
		}
	}
	// The sync engine has its own pool: River's and the dispatcher's listeners
	// hold a connection each for good, and deliveries and imports come in
	// bursts; none of that may take the connections requests need (with them
	// in one pool of 6, supports saturated at about 2,400/s instead of 3,000).
	syncCfg := cfg
	syncCfg.Database.MaxConns = cfg.Sync.MaxConns
	syncStore, err := openStore(ctx, syncCfg)
	if err != nil {
		return err
	}
	defer syncStore.Close()
	var handler *web.Server
	engine, err := buildEngine(cfg, syncStore, log, engineJobs{
		followUp: func(ctx context.Context) error {
			n, err := handler.AssignReviews(ctx)
			if err != nil {
				return fmt.Errorf("automatic review assignment: %w", err)
			}
			m, err := handler.SendReminders(ctx)
			log.Info("daily follow-up", "ideas_assigned", n, "reminders", m)
			return err
		},
		council: func(ctx context.Context) error {
			id, err := handler.MonthlyCouncil(ctx)
			if id > 0 {
				log.Info("monthly council submission prepared", "submission", id)
			}
			return err
		},
		digest: func(ctx context.Context) error {
			n, err := handler.SendWeeklyDigest(ctx)
			if n > 0 {
				log.Info("weekly digest queued", "mails", n)
			}
			return err
		},
		results: func(ctx context.Context) error {
			n, err := store.AnnounceClosedConsultations(ctx)
			if n > 0 {
				log.Info("closed consultations announced", "consultations", n)
			}
			return err
		},
		meetings: func(ctx context.Context) error {
			n, err := handler.SendMeetingReminders(ctx)
			if n > 0 {
				log.Info("event reminders queued", "mails", n)
			}
			return err
		},
		notify:         func(ctx context.Context, reason, detail string) { handler.NotifyStaff(ctx, reason, detail) },
		commentNotice:  func(n postgres.CommentNotice) core.Mail { return handler.CommentNoticeMail(n) },
		reviewFollowUp: func(ctx context.Context, ideaID int64) error { return handler.FollowUpReview(ctx, ideaID) },
	}, fakeApp)
	if err != nil {
		return err
	}
	handler, err = web.New(ctx, webCfg, web.Deps{
		Store: store, Log: log, MailQueued: outbox.Poke, DevMailbox: mailbox, Sync: engine,
		LoginProviders: loginProviders(cfg, fakeApp), WebhookSecret: webhook.SecretText,
	})
	if err != nil {
		return err
	}
	go handler.KeepFlyersSwept(ctx)
	go deferCollectionsWhileOverloaded(ctx, cfg.Runtime, e.getenv, handler.Overloaded, log)
	if err := engine.Start(ctx); err != nil {
		return err
	}
	defer func() {
		stopCtx, done := context.WithTimeout(context.WithoutCancel(ctx), cfg.HTTP.ShutdownTimeout)
		defer done()
		if err := engine.Stop(stopCtx); err != nil {
			log.Warn("sync engine did not stop cleanly", "err", err)
		}
	}()
	if addr := e.getenv("QUARTIER_PPROF"); addr != "" {
		// Profiling for operators and benchmarks, on its own (local) listener only.
		go func() {
			if err := http.ListenAndServe(addr, pprofMux()); err != nil {
				log.Warn("pprof listener stopped", "err", err)
			}
		}()
	}
	ln, err := net.Listen("tcp", cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (set QUARTIER_ADDR or http.addr to a free address)", cfg.HTTP.Addr, err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(e.stdout, "quartier %s listening on http://%s (env %s)\n", buildVersion(), ln.Addr(), cfg.Env)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight", "timeout", cfg.HTTP.ShutdownTimeout.String())
	shutdownCtx, done := context.WithTimeout(context.WithoutCancel(ctx), cfg.HTTP.ShutdownTimeout)
	defer done()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// sweepExpired removes expired sessions, links and counters every hour.
func sweepExpired(ctx context.Context, store *postgres.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := store.DeleteExpired(ctx); err != nil {
			log.Warn("sweep of expired rows failed", "err", err)
		} else if n > 0 {
			log.Info("expired rows removed", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
