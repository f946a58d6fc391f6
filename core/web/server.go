// Package web is Quartier's HTTP face: the server-rendered pages, the JSON API under
// /api/v1, health and metrics. It is the only package that imports gin.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/core/i18n"
	"quartier/core/mail"
	"quartier/core/postgres"
)

// Environments.
const (
	EnvDevelopment = "development"
	EnvProduction  = "production"
)

// Limit is a rate limit: at most Max hits per Window.
type Limit struct {
	Max    int
	Window time.Duration
}

// RateLimits are the limits on the endpoints attackers like.
type RateLimits struct {
	LoginPerIP      Limit
	LoginPerAccount Limit
	SignupPerIP     Limit // registration, resend confirmation
	MailPerAddress  Limit // e-mails sent to one address (sign-up, reset)
	ResetPerIP      Limit
	APIWritePerUser Limit
	FlagsPerUser    Limit
	CodesPerAccount Limit // residence codes typed, per account
	CodesPerIP      Limit // residence codes typed, per address
}

// Config is what the web layer needs to know; cmd/quartier fills it from config.yaml
// and the environment.
type Config struct {
	Env            string
	PublicURL      *url.URL // where residents reach the site; its scheme decides Secure cookies
	MaxBodyBytes   int64
	MaxUploadBytes int64 // staff uploads of area layers and address registers
	Map            MapConfig
	SessionTTL     time.Duration
	ConfirmLinkTTL time.Duration
	ResetLinkTTL   time.Duration
	// StaffTwoStep sends staff (moderators and above) without two-step
	// verification to turn it on before any staff page.
	StaffTwoStep   bool
	Limits         RateLimits
	TrustedProxies []string
	Version        string
	FollowUp       core.FollowUp // the commune's procedure for ideas
	// MaxInFlight bounds the requests served at once (0: no bound; staff
	// pages have an eighth more of their own); a request waits at most
	// BurstWait for a slot (QueueWait while overloaded: see admission), then
	// gets 503 with Retry-After.
	MaxInFlight    int
	QueueWait      time.Duration
	BurstWait      time.Duration
	HideAfterFlags int     // flags that hide content pending review
	Commune        Commune // how flyers present the commune
	// FlyerDir is where finished flyer PDFs wait a day for download (swept by
	// KeepFlyersSwept); empty: a folder of the server's user in the system's
	// temporary directory.
	FlyerDir string
}

// MapConfig says where map tiles come from. Without a tile URL, maps draw their
// outlines and points on a plain background.
type MapConfig struct {
	TileURL         string // e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png
	TileAttribution string
	AssetsDir       string // where `make assets` put node_modules (Leaflet)
	// Center (lon, lat) and Zoom are where maps open when nothing on them
	// says better: the commune's centre. Zero: DefaultMapCenter.
	Center orb.Point
	Zoom   int
}

// DefaultMapCenter and DefaultMapZoom open maps on Luxembourg City, where a
// configuration names no commune centre.
var DefaultMapCenter = orb.Point{6.1319, 49.6116}

const DefaultMapZoom = 13

// Mailbox is the development mailbox shown at /dev/mail.
type Mailbox interface {
	Messages() []mail.Caught
}

// Deps are the services the web layer calls.
type Deps struct {
	Store      *postgres.Store
	Log        *slog.Logger
	MailQueued func()  // called after a commit that queued mail
	DevMailbox Mailbox // development only; nil otherwise
	Now        func() time.Time
	Sync       SyncControl // the sync engine; nil when the process runs none
	// LoginProviders are the OpenID Connect providers residents may sign in with.
	LoginProviders []LoginProvider
	// WebhookSecret shows a webhook secret as receivers configure it.
	WebhookSecret WebhookSecretText
}

// SyncControl is what staff pages need of the sync engine.
type SyncControl interface {
	Status(ctx context.Context) ([]core.ConnectorStatus, error)
	Retry(ctx context.Context, jobID int64) error
	Skip(ctx context.Context, jobID int64) error
	PullNow(ctx context.Context, connector string) error
	// TargetAreas lists the connector's areas (an app's neighbourhoods) that
	// intersect a target.
	TargetAreas(ctx context.Context, connector string, targetID int64) ([]string, error)
	// TargetShares lists every connector's areas that intersect a target, and
	// by how much.
	TargetShares(ctx context.Context, targetID int64) ([]core.AreaShare, error)
	// Enqueue queues a background task about one record (core.TaskReviewFollowUp).
	Enqueue(ctx context.Context, task string, id int64) error
}

// Server holds the routes and their shared state.
type Server struct {
	cfg       Config
	store     *postgres.Store
	log       *slog.Logger
	catalog   *i18n.Catalog
	pages     *pages
	csrf      *csrfSigner
	metrics   *metrics
	mailbox   Mailbox
	mailPoke  func()
	now       func() time.Time
	engine    *gin.Engine
	geo       geoCache
	admission *admission
	// staffAdmission bounds the staff pages apart, so that a rush of
	// residents (a vote closing) does not lock out staff already signed in.
	staffAdmission *admission
	memLimits      *memLimiter
	counts         countCache
	micro          *microCache
	gates          *refreshCache[int64, postgres.SupportGate]
	ballots        ballotCache
	sessions       *refreshCache[string, core.Participant] // by token hash
	homeNews       *refreshCache[struct{}, homeNews]
	// projectTitles are the projects' translated titles, for the idea cards.
	projectTitles *refreshCache[struct{}, map[int64]map[core.Language]string]
	photoWork     chan struct{} // slots for decoding photos (photosAtOnce)
	members       targetMembers
	sync          SyncControl
	providers     []LoginProvider
	// secretText writes a webhook secret for receivers.
	secretText WebhookSecretText
	// fixedHeaders go on every answer (securityHeaders).
	fixedHeaders http.Header
	// busyAnswers are admission control's refusals, per language, made once.
	busyAnswers map[core.Language]busyAnswer
}

// New builds the HTTP handler. It reads the installation's signing key from the store.
func New(ctx context.Context, cfg Config, deps Deps) (*Server, error) {
	if cfg.Env != EnvDevelopment && cfg.Env != EnvProduction {
		return nil, fmt.Errorf("web: env must be %q or %q", EnvDevelopment, EnvProduction)
	}
	if cfg.PublicURL == nil {
		return nil, fmt.Errorf("web: public URL is required")
	}
	if cfg.Map.Zoom == 0 { // tests and tools that leave the map unset
		cfg.Map.Center, cfg.Map.Zoom = DefaultMapCenter, DefaultMapZoom
	}
	secret, err := deps.Store.ServerSecret(ctx)
	if err != nil {
		return nil, fmt.Errorf("web: read signing key: %w", err)
	}
	catalog, err := i18n.Load()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	pg, err := loadPages()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s := &Server{
		cfg: cfg, store: deps.Store, log: deps.Log, catalog: catalog, pages: pg,
		csrf: newCSRFSigner(secret), metrics: newMetrics(), mailPoke: deps.MailQueued, now: deps.Now,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.cfg.HideAfterFlags <= 0 {
		s.cfg.HideAfterFlags = 3
	}
	if s.cfg.FollowUp.SupportThreshold <= 0 {
		s.cfg.FollowUp = core.DefaultFollowUp
	}
	if s.mailPoke == nil {
		s.mailPoke = func() {}
	}
	if cfg.Env == EnvDevelopment {
		s.mailbox = deps.DevMailbox
	}
	s.sync = deps.Sync
	s.providers = deps.LoginProviders
	s.secretText = deps.WebhookSecret
	s.admission = newAdmission(cfg.MaxInFlight, cfg.QueueWait, cfg.BurstWait)
	s.staffAdmission = newAdmission(staffSlots(cfg.MaxInFlight), cfg.QueueWait, cfg.BurstWait)
	s.memLimits = newMemLimiter()
	s.micro = newMicroCache(time.Second)
	s.gates = newGateCache()
	s.sessions = newSessionCache()
	s.homeNews = newHomeCache()
	s.projectTitles = newRefreshCache[struct{}, map[int64]map[core.Language]string](homeNewsTTL, homeNewsGrace, 1, nil)
	s.photoWork = make(chan struct{}, photosAtOnce)
	tileOrigin := "" // " https://tiles.example" when maps load tiles: the CSP allows it
	if cfg.Map.TileURL != "" {
		u, err := url.Parse(strings.NewReplacer("{s}", "a", "{z}", "0", "{x}", "0", "{y}", "0").Replace(cfg.Map.TileURL))
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("web: map tile URL %q is not an http(s) URL template", cfg.Map.TileURL)
		}
		tileOrigin = " " + u.Scheme + "://" + strings.Replace(u.Host, "a.", "*.", 1)
	}
	s.fixedHeaders = securityHeaderValues(tileOrigin, s.secure())
	s.busyAnswers = busyAnswers(catalog)
	if s.engine, err = s.routes(); err != nil {
		return nil, err
	}
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }

// Routes lists the method and path of every route, for tests and documentation.
func (s *Server) Routes() []gin.RouteInfo { return s.engine.Routes() }

func (s *Server) secure() bool { return s.cfg.PublicURL.Scheme == "https" }

func (s *Server) routes() (*gin.Engine, error) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.RedirectTrailingSlash = true
	if err := r.SetTrustedProxies(s.cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("web: trusted proxies: %w", err)
	}
	r.Use(s.recoverPanics, s.observe, s.securityHeaders)

	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/metrics", s.metricsHandler)
	r.GET("/static/*file", s.static)
	r.GET("/favicon.ico", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/static/favicon.svg") })

	r.GET("/assets/leaflet/*file", s.leafletAsset)

	// Everything below talks to the database: admission control first.
	api := r.Group("/api/v1", s.admit, s.limitBody(s.cfg.MaxBodyBytes), s.checkText, s.apiAuth)
	s.apiRoutes(api)

	// The one form without a CSRF token: the signed token in the link is the
	// authority, mail clients POST it (RFC 8058), and it can only unsubscribe.
	r.POST("/unsubscribe", s.admit, s.limitBody(s.cfg.MaxBodyBytes), s.locale, s.checkText, s.sessionAuth, s.unsubscribe)
	h := r.Group("/", s.admit, s.limitBody(s.cfg.MaxBodyBytes), s.locale, s.checkText, s.sessionAuth, s.csrfProtect)
	h.GET("/", s.home)
	h.GET("/how-it-works", s.howItWorks)
	h.GET("/accessibility", s.accessibility)
	h.GET("/privacy", s.privacy)
	h.GET("/feed.atom", func(c *gin.Context) {
		c.Params = append(c.Params, gin.Param{Key: "format", Value: "feed.atom"})
		s.platformFeed(c)
	})
	h.GET("/feed.rss", func(c *gin.Context) {
		c.Params = append(c.Params, gin.Param{Key: "format", Value: "feed.rss"})
		s.platformFeed(c)
	})
	h.GET("/areas/:id/:format", s.areaFeed)
	h.GET("/ideas.geojson", s.ideasGeoJSON)
	h.GET("/widget", s.widget)
	geoStaffWidget := h.Group("/staff", s.requireRole(core.RoleManager))
	geoStaffWidget.GET("/widget", func(c *gin.Context) {
		s.render(c, http.StatusOK, "staff_widget", map[string]any{"Script": s.link("/static/widget.js")})
	})
	h.GET("/consultations/:id/target.geojson", s.consultationTarget)
	h.POST("/language", s.setLanguage)
	h.GET("/register", s.registerForm)
	h.POST("/register", s.register)
	h.GET("/confirm", s.confirmForm)
	h.POST("/confirm", s.confirm)
	h.GET("/confirm/resend", s.showLinkForm(resendLinkForm))
	h.POST("/confirm/resend", s.requestLink(resendLinkForm))
	h.GET("/login", s.loginForm)
	h.POST("/login/code", s.loginCode)
	h.POST("/login", s.login)
	h.GET("/login/oidc/:provider", s.oidcStart)
	h.GET("/login/oidc/:provider/callback", s.oidcCallback)
	h.POST("/logout", s.logout)
	h.GET("/email/confirm", s.emailChangeForm)
	h.POST("/email/confirm", s.confirmEmailChange)
	h.GET("/password/forgot", s.showLinkForm(forgotLinkForm))
	h.POST("/password/forgot", s.requestLink(forgotLinkForm))
	h.GET("/password/reset", s.resetForm)
	h.POST("/password/reset", s.reset)

	h.GET("/projects", s.projects)
	h.GET("/projects/:id", s.project)
	h.GET("/projects/:id/:format", s.projectFeed)
	h.POST("/projects/:id/follow", s.requireLogin, s.followProject)
	h.GET("/ideas", s.ideas)
	h.GET("/images/:id", s.image)
	h.GET("/debates/:id", s.debate)
	h.POST("/debates/:id/arguments", s.requireLogin, s.argue)
	h.POST("/debates/:id/arguments/:arg/helpful", s.requireLogin, s.rateArgument)
	h.POST("/arguments/:id/flag", s.requireLogin, s.flag(core.EntityArgument))
	h.POST("/arguments/:id/withdraw", s.requireLogin, s.withdrawArgument)
	h.GET("/map", s.publicMap)
	h.GET("/consultations", s.consultations)
	h.GET("/consultations/:id", s.consultation)
	h.POST("/consultations/:id/answers", s.requireLogin, s.answer)
	h.GET("/consultations/:id/results", s.consultationResults)
	h.GET("/consultations/:id/code", s.codeForm)
	h.POST("/consultations/:id/code", s.requireLogin, s.redeemCode)
	h.GET("/c/:id", s.shortLink)
	h.GET("/budgets", s.budgets)
	h.GET("/budgets/:id", s.budget)
	h.POST("/budgets/:id/proposals", s.requireLogin, s.proposeBudgetProject)
	h.POST("/budgets/:id/envelopes/:eid/ballot", s.requireLogin, s.saveBallot)
	h.GET("/budgets/:id/envelopes/:eid/election.pb", s.budgetElectionFile)
	h.GET("/councils", s.councils)
	h.GET("/councils/:id", s.council)
	h.POST("/councils/:id/volunteer", s.requireLogin, s.volunteer)
	h.POST("/councils/:id/proposals", s.requireLogin, s.councilPropose)
	h.GET("/events", s.meetings)
	h.GET("/events.ics", s.meetingsCalendar)
	h.GET("/events/:id", s.meeting)
	h.GET("/events/:id/calendar.ics", s.meetingCalendar)
	h.POST("/events/:id/register", s.requireLogin, s.registerMeeting)
	h.POST("/events/:id/cancel", s.requireLogin, s.cancelMeetingRegistration)
	h.GET("/newsletters", s.newsletters)
	h.GET("/newsletters/:id", s.newsletter)
	h.GET("/unsubscribe", s.unsubscribeForm)
	h.GET("/ideas/new", s.requireLogin, s.newIdeaForm)
	h.POST("/ideas", s.requireLogin, s.createIdea)
	h.GET("/ideas/:id", s.ideaOrFeed)
	h.GET("/ideas/:id/edit", s.requireLogin, s.editIdeaForm)
	h.POST("/ideas/:id/edit", s.requireLogin, s.editIdea)
	h.POST("/ideas/:id/withdraw", s.requireLogin, s.withdrawIdea)
	h.POST("/ideas/:id/support", s.requireLogin, s.support)
	h.POST("/ideas/:id/follow", s.requireLogin, s.followIdea)
	h.POST("/ideas/:id/photos/:photo/remove", s.requireLogin, s.removeIdeaPhoto)
	h.GET("/idea-photos/:id", s.ideaPhoto)
	h.POST("/ideas/:id/comments", s.requireLogin, s.comment)
	h.POST("/ideas/:id/flag", s.requireLogin, s.flag(core.EntityIdea))
	h.POST("/comments/:id/flag", s.requireLogin, s.flag(core.EntityComment))
	h.POST("/comments/:id/edit", s.requireLogin, s.editComment)
	h.POST("/comments/:id/withdraw", s.requireLogin, s.withdrawComment)

	acc := h.Group("/account", s.requireLogin)
	acc.GET("", s.account)
	acc.GET("/participation/:list", s.myParticipationList)
	acc.POST("/sessions/:id/end", s.endSession)
	acc.GET("/two-step", s.twoStepPage)
	acc.POST("/two-step", s.enableTwoStep)
	acc.POST("/two-step/disable", s.disableTwoStep)
	acc.POST("/two-step/recovery-codes", s.newRecoveryCodes)
	acc.POST("/profile", s.updateProfile)
	acc.GET("/password", s.passwordPage)
	acc.POST("/password", s.changePassword)
	acc.GET("/email", s.emailPage)
	acc.POST("/email", s.requestEmailChange)
	acc.GET("/export", s.exportAccount)
	acc.POST("/tokens", s.createToken)
	acc.POST("/tokens/:id/revoke", s.revokeToken)
	acc.GET("/delete", s.deleteAccountForm)
	acc.POST("/delete", s.deleteAccount)
	acc.GET("/address", s.accountAddress)
	acc.POST("/address", s.setAccountAddress)
	acc.POST("/subscriptions", s.setSubscriptions)

	staff := h.Group("/staff", s.requireRole(core.RoleModerator))
	staff.GET("", s.staffHome)
	staff.GET("/participants", s.requireRole(core.RoleManager), s.staffParticipants)
	staff.GET("/moderation", s.staffModeration)
	staff.POST("/moderation", s.staffModerate)
	staff.GET("/audit", s.staffAudit)
	staff.GET("/audit/export/:format", s.staffAuditExport)
	staff.POST("/participants/:id/role", s.requireRole(core.RoleAdmin), s.staffSetRole)
	staff.POST("/participants/:id/two-step/disable", s.requireRole(core.RoleAdmin), s.staffDisableTwoStep)

	geoStaff := staff.Group("", s.requireRole(core.RoleManager))
	geoStaff.GET("/geography", s.staffGeography)
	geoStaff.GET("/imports/:id", s.staffImport)
	geoStaff.GET("/targets", s.staffTargets)
	geoStaff.POST("/targets", s.staffCreateTarget)
	geoStaff.GET("/targets/:id", s.staffTarget)
	geoStaff.POST("/targets/:id/name", s.staffRenameTarget)
	geoStaff.POST("/targets/:id/parts", s.staffAddPart)
	geoStaff.POST("/targets/:id/parts/:n/remove", s.staffRemovePart)
	geoStaff.GET("/targets/:id/export/:format", s.staffExportTarget)
	geoStaff.GET("/followup", s.staffFollowUp)
	geoStaff.POST("/followup/assign", s.staffAssignMany)
	geoStaff.GET("/indicators", s.staffIndicators)
	geoStaff.GET("/council", s.staffCouncil)
	geoStaff.POST("/council", s.staffSubmitCouncil)
	geoStaff.GET("/council/:file", s.staffCouncilDocument)
	geoStaff.GET("/indicators.csv", s.staffIndicatorsCSV)
	geoStaff.GET("/ideas/export/:format", s.staffIdeasExport)
	geoStaff.GET("/ideas/:id", s.staffIdea)
	geoStaff.POST("/ideas/:id/assign", s.staffAssign)
	geoStaff.POST("/ideas/:id/decision", s.staffDecide)
	geoStaff.GET("/answer-templates", s.staffAnswerTemplates)
	geoStaff.POST("/answer-templates", s.staffSaveAnswerTemplate)
	geoStaff.POST("/answer-templates/:id/delete", s.staffDeleteAnswerTemplate)
	geoStaff.POST("/ideas/:id/merge", s.staffMerge)
	geoStaff.POST("/ideas/:id/milestones", s.staffAddMilestone)
	geoStaff.POST("/ideas/:id/milestones/:mid/done", s.staffMilestoneDone)
	geoStaff.POST("/ideas/:id/milestones/:mid/delete", s.staffDeleteMilestone)
	geoStaff.GET("/consultations", s.staffConsultations)
	geoStaff.POST("/consultations", s.staffCreateConsultation)
	geoStaff.GET("/consultations/:id", s.staffConsultation)
	geoStaff.POST("/consultations/:id", s.staffSaveConsultation)
	geoStaff.POST("/consultations/:id/publish", s.staffPublishConsultation)
	geoStaff.POST("/consultations/:id/questions", s.staffAddQuestion)
	geoStaff.POST("/consultations/:id/questions/:qid", s.staffQuestionAction)
	geoStaff.POST("/consultations/:id/answers/:rid/:qid", s.staffModerateAnswer)
	geoStaff.GET("/consultations/:id/responses/:format", s.staffExportResponses)
	geoStaff.GET("/consultations/:id/distribution/:format", s.staffDistribution)
	geoStaff.POST("/consultations/:id/flyers", s.staffStartFlyers)
	geoStaff.POST("/consultations/:id/reprint", s.staffReprint)
	geoStaff.POST("/consultations/:id/invite", s.staffInvite)
	geoStaff.GET("/budgets", s.staffBudgets)
	geoStaff.POST("/budgets", s.staffCreateBudget)
	geoStaff.GET("/budgets/:id", s.staffBudget)
	geoStaff.POST("/budgets/:id", s.staffSaveBudget)
	geoStaff.POST("/budgets/:id/:action", s.staffBudgetAction)
	geoStaff.GET("/councils", s.staffNeighbourhoodCouncils)
	geoStaff.POST("/councils", s.staffCreateCouncil)
	geoStaff.GET("/councils/:id", s.staffNeighbourhoodCouncil)
	geoStaff.POST("/councils/:id", s.staffSaveCouncil)
	geoStaff.POST("/councils/:id/:action", s.staffCouncilAction)
	geoStaff.GET("/events", s.staffMeetings)
	geoStaff.POST("/events", s.staffCreateMeeting)
	geoStaff.GET("/events/:id", s.staffMeeting)
	geoStaff.POST("/events/:id", s.staffSaveMeeting)
	geoStaff.POST("/events/:id/:action", s.staffMeetingAction)
	geoStaff.GET("/events/:id/registrations/:format", s.staffMeetingRegistrations)
	geoStaff.GET("/newsletters", s.staffNewsletters)
	geoStaff.POST("/newsletters", s.staffSaveNewsletter)
	geoStaff.GET("/newsletters/:id", s.staffNewsletter)
	geoStaff.POST("/newsletters/:id", s.staffSaveNewsletter)
	geoStaff.POST("/newsletters/:id/test", s.staffTestNewsletter)
	geoStaff.POST("/newsletters/:id/send", s.staffSendNewsletter)
	geoStaff.GET("/flyers/:run", s.staffFlyerRun)
	geoStaff.GET("/flyers/:run/pdf", s.staffFlyerPDF)
	geoStaff.GET("/sync", s.staffSync)
	geoStaff.GET("/webhooks", s.staffWebhooks)
	geoStaff.POST("/webhooks", s.staffCreateWebhook)
	geoStaff.POST("/webhooks/:id", s.staffWebhookAction)
	geoStaff.POST("/sync/jobs/:job", s.staffSyncJob)
	geoStaff.POST("/sync/connectors/:name/pull", s.staffSyncPull)
	geoStaff.POST("/sync/connectors/:name/settings", s.staffSyncSettings)
	geoStaff.GET("/projects", s.staffProjects)
	geoStaff.GET("/projects/new", s.staffProjectEditor)
	geoStaff.POST("/projects", s.staffSaveProject)
	geoStaff.GET("/projects/:id/edit", s.staffProjectEditor)
	geoStaff.POST("/projects/:id", s.staffSaveProject)
	geoStaff.POST("/projects/:id/status", s.staffProjectStatus)
	geoStaff.POST("/projects/:id/updates", s.staffPostUpdate)
	geoStaff.POST("/projects/:id/debates", s.staffOpenDebate)
	geoStaff.GET("/debates", s.staffDebates)
	geoStaff.GET("/translations", s.staffTranslations)
	geoStaff.POST("/debates/:id/close", s.staffCloseDebate)
	geoStaff.POST("/debates/:id/reopen", s.staffReopenDebate)
	// Uploads take a larger body; they are checked like every form (CSRF, role).
	upload := r.Group("/staff/import", s.limitBody(s.cfg.MaxUploadBytes), s.locale, s.checkText, s.sessionAuth, s.csrfProtect, s.requireRole(core.RoleManager))
	upload.POST("/areas", s.staffImportAreas)
	upload.POST("/addresses", s.staffImportAddresses)
	photos := r.Group("/ideas/:id/photos", s.admit, s.limitBody(core.MaxImageBytes+1<<20), s.locale, s.checkText, s.sessionAuth, s.csrfProtect, s.requireLogin)
	photos.POST("", s.addIdeaPhoto)
	images := r.Group("/staff/projects/:id/images", s.limitBody(core.MaxImageBytes+1<<20), s.locale, s.checkText, s.sessionAuth, s.csrfProtect, s.requireRole(core.RoleManager))
	images.POST("", s.staffUploadImage)

	if s.cfg.Env == EnvDevelopment && s.mailbox != nil {
		h.GET("/dev/mail", s.devMail)
	}
	r.NoRoute(s.locale, s.sessionAuth, s.notFound)
	r.NoMethod(s.locale, s.methodNotAllowed)
	return r, nil
}
