package sync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	gosync "sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"quartier/core"
	"quartier/core/i18n"
	"quartier/core/postgres"
)

// Connector is a connector with its schedules.
type Connector struct {
	core.Connector
	PullSpec  string // cron: when to pull reactions, comments, answers and ideas
	AreasSpec string // cron: when to refresh the remote's areas (neighbourhoods)
	// Backfill publishes the whole change log when the connector is new;
	// otherwise it starts with the changes made from then on.
	Backfill bool
	// Language is what Quartier's own words in its posts are written in
	// ("Results: …"); the commune's language when empty.
	Language core.Language
}

// Options configure the engine.
type Options struct {
	BaseURL    string         // the public URL, for links back to Quartier
	Zone       *time.Location // the commune's time zone, for schedules
	Workers    int            // deliveries in flight at once
	Connectors []Connector
	Jobs       []ScheduledJob
	Tasks      []Task
	// FollowUp is the commune's procedure for what comes from the apps: the
	// answer deadline of ideas, the support threshold (DefaultFollowUp when
	// zero).
	FollowUp core.FollowUp
	// Poll is how often the dispatcher looks at the change log when no
	// notification woke it (notifications usually do, within milliseconds).
	Poll time.Duration
	// Webhooks delivers to the endpoints staff registered (nil: none).
	Webhooks core.WebhookSender
	// Notify tells staff that something needs them (an endpoint disabled):
	// reason is a message key, detail what it is about.
	Notify func(ctx context.Context, reason, detail string)
	// CommentNotice writes the mail that tells an idea's author (or a
	// commenter) of a comment pulled from an app; nil: pulled comments tell
	// nobody here.
	CommentNotice func(postgres.CommentNotice) core.Mail
	// RetryBase is the first retry's delay; each retry doubles it (default 1s).
	RetryBase time.Duration
	Now       func() time.Time
	// afterPublish, in tests, runs between a successful remote call and the
	// record of it: an error there is a crash at the worst moment.
	afterPublish func(core.Publication, core.Published) error
}

// Engine is the sync engine of one process; several processes on one database
// cooperate (River elects one leader for schedules; cursors and unique jobs
// keep deliveries single).
type Engine struct {
	store  *postgres.Store
	client *river.Client[pgx.Tx]
	log    *slog.Logger
	opts   Options
	conns  map[string]Connector
	// pulling holds a turn (a one-slot channel) per connector: its pulls
	// take turns (see Pull).
	pulling map[string]chan struct{}
	jobs    map[string]scheduled
	tasks   map[string]Task
	// taskQueue holds tasks enqueued outside a transaction until insertTasks
	// (nil while the engine is stopped); taskMu guards the channel's closing.
	taskMu        gosync.RWMutex
	taskQueue     chan taskArgs
	taskQueueDone chan struct{}
	now           func() time.Time
	done          chan struct{}
	cancel        context.CancelFunc
	calls         chan struct{} // a slot per remote call of a batch in flight (opts.Workers)
	matches       matchCache
	setCache      settingsCache
	catalog       *i18n.Catalog
}

type scheduled struct {
	ScheduledJob
	schedule river.PeriodicSchedule
}

// New builds an engine; Start runs it.
func New(store *postgres.Store, log *slog.Logger, opts Options) (*Engine, error) {
	if opts.Zone == nil {
		opts.Zone = time.UTC
	}
	if opts.Workers <= 0 {
		opts.Workers = 16
	}
	if opts.Poll <= 0 {
		opts.Poll = 2 * time.Second
	}
	if opts.FollowUp == (core.FollowUp{}) {
		opts.FollowUp = core.DefaultFollowUp
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = time.Second
	}
	e := &Engine{store: store, log: log, opts: opts, conns: map[string]Connector{}, pulling: map[string]chan struct{}{}, jobs: map[string]scheduled{}, tasks: map[string]Task{}, now: opts.Now,
		catalog: i18n.MustLoad(), calls: make(chan struct{}, opts.Workers)}
	if e.now == nil {
		e.now = time.Now
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &deliverWorker{e: e})
	river.AddWorker(workers, &deliverBatchWorker{e: e})
	river.AddWorker(workers, &pullWorker{e: e})
	river.AddWorker(workers, &areasWorker{e: e})
	river.AddWorker(workers, &scheduledWorker{e: e})
	river.AddWorker(workers, &webhookWorker{e: e})
	river.AddWorker(workers, &taskWorker{e: e})
	for _, t := range opts.Tasks {
		e.tasks[t.Name] = t
	}
	var periodic []*river.PeriodicJob
	for _, c := range opts.Connectors {
		name := c.Name()
		if _, dup := e.conns[name]; dup {
			return nil, fmt.Errorf("sync: connector %q configured twice", name)
		}
		e.conns[name] = c
		e.pulling[name] = make(chan struct{}, 1)
		for _, p := range []struct {
			spec string
			args river.JobArgs
		}{{c.PullSpec, pullArgs{Connector: name}}, {c.AreasSpec, areasArgs{Connector: name}}} {
			if p.spec == "" {
				continue
			}
			sched, err := ParseSchedule(p.spec, opts.Zone)
			if err != nil {
				return nil, fmt.Errorf("sync: connector %s: %w", name, err)
			}
			args := p.args
			periodic = append(periodic, river.NewPeriodicJob(sched, func() (river.JobArgs, *river.InsertOpts) {
				return args, &river.InsertOpts{UniqueOpts: pendingOnce}
			}, &river.PeriodicJobOpts{RunOnStart: true}))
		}
	}
	for _, j := range opts.Jobs {
		sched, err := ParseSchedule(j.Spec, opts.Zone)
		if err != nil {
			return nil, fmt.Errorf("sync: job %s: %w", j.Name, err)
		}
		e.jobs[j.Name] = scheduled{j, sched}
		args := scheduledArgs{Name: j.Name}
		periodic = append(periodic, river.NewPeriodicJob(sched, func() (river.JobArgs, *river.InsertOpts) {
			return args, &river.InsertOpts{UniqueOpts: pendingOnce}
		}, &river.PeriodicJobOpts{RunOnStart: true}))
	}
	client, err := river.NewClient(riverpgxv5.New(store.Pool()), &river.Config{
		Logger: log.With("component", "river"),
		Queues: map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: 4},
			queueDeliver:       {MaxWorkers: opts.Workers},
			queueTasks:         {MaxWorkers: 1},
			queueDeliverBatch:  {MaxWorkers: batchesInFlight},
		},
		Workers:              workers,
		PeriodicJobs:         periodic,
		JobTimeout:           time.Minute,
		FetchCooldown:        5 * time.Millisecond, // deliveries follow commits closely
		RescueStuckJobsAfter: 5 * time.Minute,
		MaxAttempts:          maxAttempts,
	})
	if err != nil {
		return nil, fmt.Errorf("sync: river client: %w", err)
	}
	e.client = client
	return e, nil
}

// pendingOnce keeps a scheduled job from piling up: while one waits or runs,
// another insertion of the same job is dropped.
var pendingOnce = river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}}

// Start runs the workers, the schedules (on the leader) and the dispatcher. A
// connector whose areas were never fetched gets them first, so that the first
// deliveries need not wait for a retry.
func (e *Engine) Start(ctx context.Context) error {
	for name, c := range e.conns {
		if err := e.store.EnsureCursor(ctx, name, c.Backfill); err != nil {
			return fmt.Errorf("sync: cursor of %s: %w", name, err)
		}
		if c.AreasSpec == "" {
			continue
		}
		if known, err := e.store.RemoteAreas(ctx, name); err == nil && len(known) == 0 {
			if _, err := e.RefreshAreas(ctx, name); err != nil {
				e.log.Warn("remote areas not fetched at start; the areas job will retry", "connector", name, "err", err)
			}
		}
	}
	if err := e.client.Start(ctx); err != nil {
		return fmt.Errorf("sync: start river: %w", err)
	}
	e.startTaskQueue()
	ctx, e.cancel = context.WithCancel(ctx)
	e.done = make(chan struct{})
	go func() {
		defer close(e.done)
		e.dispatchLoop(ctx)
	}()
	return nil
}

// Stop lets running jobs finish (up to ctx's deadline) and stops.
func (e *Engine) Stop(ctx context.Context) error {
	if e.cancel != nil {
		e.cancel()
		<-e.done
	}
	e.stopTaskQueue()
	err := e.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return e.client.StopAndCancel(context.Background())
	}
	return err
}

// Connector returns a configured connector.
func (e *Engine) connector(name string) (Connector, bool) {
	c, ok := e.conns[name]
	return c, ok
}
