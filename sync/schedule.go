package sync

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/robfig/cron/v3"
)

// cronParser reads the five-field schedules of config.yaml ("*/5 * * * *") and
// the @daily family.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// zoned is a cron schedule read in the commune's time zone: "0 7 * * *" is 7:00
// in Luxembourg, summer and winter.
type zoned struct {
	cron.Schedule
	zone *time.Location
}

func (z zoned) Next(t time.Time) time.Time { return z.Schedule.Next(t.In(z.zone)) }

// ParseSchedule reads a cron expression in zone.
func ParseSchedule(spec string, zone *time.Location) (river.PeriodicSchedule, error) {
	s, err := cronParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", spec, err)
	}
	return zoned{s, zone}, nil
}

// ScheduledJob is work of the platform itself on a schedule (daily reminders,
// the monthly council submission).
type ScheduledJob struct {
	Name string // stable: the database remembers when it is next due under it
	Spec string // cron, in the commune's time zone
	Run  func(ctx context.Context) error
}

// scheduledArgs is the River job of a ScheduledJob.
type scheduledArgs struct {
	Name string `json:"name"`
}

func (scheduledArgs) Kind() string { return "scheduled" }

// scheduledWorker runs a ScheduledJob when its due time has come. River's
// leader inserts the job at each scheduled time and once at start; the due
// time kept in the database decides: a run missed while no server ran is made
// once at start, and an early or repeated insertion does nothing.
type scheduledWorker struct {
	river.WorkerDefaults[scheduledArgs]
	e *Engine
}

func (w *scheduledWorker) Work(ctx context.Context, job *river.Job[scheduledArgs]) error {
	sj, ok := w.e.jobs[job.Args.Name]
	if !ok {
		return river.JobCancel(fmt.Errorf("unknown scheduled job %q", job.Args.Name))
	}
	now := w.e.now()
	taken, err := w.e.store.TakeScheduledRun(ctx, sj.Name, now, sj.schedule.Next(now))
	if err != nil || !taken {
		return err
	}
	w.e.log.Info("scheduled job runs", "job", sj.Name)
	return sj.Run(ctx)
}

func (w *scheduledWorker) Timeout(*river.Job[scheduledArgs]) time.Duration { return 10 * time.Minute }
