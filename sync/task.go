package sync

import (
	"context"
	"fmt"
	"time"

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
// about the same record waits or runs, a second one is not added. The task
// runs on the engine's workers and pool, away from the requests', in
// whichever process has it among its Options.Tasks.
//
// Inside a store transaction (postgres.AmbientTx) the task is queued in it, so
// that it exists only if what it follows up commits. Otherwise, while the
// engine runs, Enqueue returns at once and the task is queued a moment later
// with the others of that moment, in one transaction (insertTasks): the 100
// ideas of a campaign that reach their threshold together were 100 River
// inserts, each a flushed commit on the engine's small pool that its request
// waited for, and the supports around them slowed for a quarter of a second
// (docs/PERFORMANCE.md). Like any work started after a commit, a task not yet
// queued when the process dies is lost (the daily follow-up assigns the
// idea); Stop queues what is waiting.
func (e *Engine) Enqueue(ctx context.Context, name string, id int64) error {
	args := taskArgs{Name: name, ID: id}
	if tx, ok := postgres.AmbientTx(ctx); ok {
		if _, err := e.client.InsertTx(ctx, tx, args, taskOpts); err != nil {
			return fmt.Errorf("sync: queue task %s %d: %w", name, id, err)
		}
		return nil
	}
	e.taskMu.RLock()
	defer e.taskMu.RUnlock()
	if e.taskQueue != nil {
		select {
		case e.taskQueue <- args:
			return nil
		default: // a backlog: this request waits, as it would without the queue
		}
	}
	return e.insertTasks(ctx, []taskArgs{args})
}

var taskOpts = &river.InsertOpts{Queue: queueTasks, UniqueOpts: pendingOnce}

// taskBacklog is how many tasks may wait to be queued; beyond it Enqueue
// inserts itself.
const taskBacklog = 4096

// startTaskQueue runs the loop that queues waiting tasks in batches, until
// stopTaskQueue.
func (e *Engine) startTaskQueue() {
	e.taskMu.Lock()
	defer e.taskMu.Unlock()
	queue, done := make(chan taskArgs, taskBacklog), make(chan struct{})
	e.taskQueue, e.taskQueueDone = queue, done
	go func() {
		defer close(done)
		for first := range queue {
			batch := []taskArgs{first}
		more:
			for len(batch) < 500 {
				select {
				case a, ok := <-queue:
					if !ok {
						break more
					}
					batch = append(batch, a)
				default:
					break more
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			if err := e.insertTasks(ctx, batch); err != nil {
				e.log.Error("tasks not queued; the daily follow-up catches up on review assignments", "tasks", len(batch), "err", err)
			}
			cancel()
		}
	}()
}

// stopTaskQueue queues what is waiting and stops the loop.
func (e *Engine) stopTaskQueue() {
	e.taskMu.Lock()
	queue, done := e.taskQueue, e.taskQueueDone
	e.taskQueue = nil
	e.taskMu.Unlock()
	if queue != nil {
		close(queue)
		<-done
	}
}

// insertTasks queues tasks in one transaction. A task twice in the batch is
// inserted once (River refuses a unique job twice in one statement).
func (e *Engine) insertTasks(ctx context.Context, tasks []taskArgs) error {
	params := make([]river.InsertManyParams, 0, len(tasks))
	seen := make(map[taskArgs]bool, len(tasks))
	for _, a := range tasks {
		if !seen[a] {
			seen[a] = true
			params = append(params, river.InsertManyParams{Args: a, InsertOpts: taskOpts})
		}
	}
	if _, err := e.client.InsertMany(ctx, params); err != nil {
		return fmt.Errorf("sync: queue %d tasks (first %s %d): %w", len(tasks), tasks[0].Name, tasks[0].ID, err)
	}
	return nil
}
