package sync

import (
	"context"
	"fmt"

	"github.com/riverqueue/river"

	"quartier/core/postgres"
)

// Task is the platform's own work that a request starts and that need not
// keep the request waiting (the follow-up of an idea that reached the support
// threshold: mails and the reviewer's assignment). Run must be safe to repeat:
// a task that fails is retried with backoff like a delivery.
type Task struct {
	Name string // stable: queued jobs carry it
	Run  func(ctx context.Context, id int64) error
}

// queueTasks runs tasks one at a time: they come in bursts (the ideas of a
// campaign reach their threshold together), and one at a time a burst takes
// no more than one database connection from the supports that caused it.
const queueTasks = "tasks"

// taskArgs is the River job of a Task about one record.
type taskArgs struct {
	Name string `json:"name"`
	ID   int64  `json:"id"`
}

func (taskArgs) Kind() string { return "task" }

type taskWorker struct {
	river.WorkerDefaults[taskArgs]
	e *Engine
}

func (w *taskWorker) Work(ctx context.Context, job *river.Job[taskArgs]) error {
	t, ok := w.e.tasks[job.Args.Name]
	if !ok {
		// queued by a process that has it (or by `quartier sync run`, which
		// has none): a retry may land on a server that runs it
		return fmt.Errorf("task %q is not run by this process", job.Args.Name)
	}
	return t.Run(ctx, job.Args.ID)
}

// Enqueue queues the task name about record id, once: while the same task
// about the same record waits or runs, a second one is not added. Inside a
// store transaction (postgres.AmbientTx) the task is queued in it, so that it
// exists only if what it follows up commits. The task runs on the engine's
// workers and pool, away from the requests', in whichever process has it
// among its Options.Tasks.
func (e *Engine) Enqueue(ctx context.Context, name string, id int64) error {
	args, opts := taskArgs{Name: name, ID: id}, &river.InsertOpts{Queue: queueTasks, UniqueOpts: pendingOnce}
	var err error
	if tx, ok := postgres.AmbientTx(ctx); ok {
		_, err = e.client.InsertTx(ctx, tx, args, opts)
	} else {
		_, err = e.client.Insert(ctx, args, opts)
	}
	if err != nil {
		return fmt.Errorf("sync: queue task %s %d: %w", name, id, err)
	}
	return nil
}
