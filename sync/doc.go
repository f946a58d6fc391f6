// Package sync is Quartier's sync engine: it reads the change log past each
// connector's cursor, enqueues one River job per delivery in the transaction
// that advances the cursor, delivers through the connector with retries
// (exponential backoff with jitter; rate limits snooze the job; errors that
// will not heal stop it and show in the failed list), records where each item
// landed, pulls reactions, comments, answers and ideas back on cron schedules
// run by the River leader only, and imports each remote item exactly once.
//
// Import it as datasync: its name would hide the standard library's.
package sync
