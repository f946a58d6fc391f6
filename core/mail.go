package core

// Mail is one outgoing plain-text e-mail. Bodies are composed in the recipient's
// language by the caller; the outbox delivers them.
type Mail struct {
	To      string
	Subject string
	Body    string
	// Unsubscribe is an https URL that unsubscribes the recipient with one POST
	// (RFC 8058); set on newsletters and invitations, empty on personal mail.
	Unsubscribe string
}

// QueuedMail is a message in the outbox with its delivery attempts so far
// (including the one under way).
type QueuedMail struct {
	ID       int64
	Mail     Mail
	Attempts int
}
