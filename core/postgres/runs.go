package postgres

import "time"

// runStallAfter is how long a background run (an import, a flyer PDF) may go
// without progress before it counts as interrupted. Runs record progress many
// times a second; only a stopped server leaves one silent this long.
const runStallAfter = 2 * time.Minute

// runStatus is the status column of import_run and flyer_run as shown: a run
// still 'running' that has not progressed since the moment given as $1 (now
// minus runStallAfter) is 'interrupted'.
const runStatus = `CASE WHEN status = 'running' AND coalesce(progressed_at, started_at) < $1 THEN 'interrupted' ELSE status END`
