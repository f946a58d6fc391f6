package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// commentNoticeEvery is how often at most one person hears of new comments
// on one idea.
const commentNoticeEvery = time.Hour

// CommentNotice is a new comment as told to someone it concerns.
type CommentNotice struct {
	To         core.Participant
	Reply      bool // a reply to their comment; else a comment on their idea
	IdeaID     int64
	IdeaTitle  string
	CommentID  int64
	AuthorName string // who wrote the comment
	Body       string
}

// queueCommentNotices queues notify's mail to the idea's author and, for a
// reply, to the parent comment's author: not to the comment's own author,
// nor to accounts deleted, unconfirmed or with notify_replies off, and to each
// person at most once an hour per idea (comment_notice). Someone who is both
// hears of it as the idea's author.
func queueCommentNotices(ctx context.Context, tx pgx.Tx, now time.Time, ideaID, parentID, authorID, commentID int64, body string,
	notify func(CommentNotice) core.Mail) error {
	rows, err := tx.Query(ctx, `SELECT DISTINCT ON (pa.id) `+participantCols("pa")+`, concerned.reply, i.title, coalesce(au.display_name, '')
		FROM (SELECT author_id AS id, false AS reply FROM idea WHERE id = $1
		      UNION ALL SELECT author_id, true FROM comment WHERE id = $2) concerned
		JOIN participant pa ON pa.id = concerned.id
		JOIN idea i ON i.id = $1
		LEFT JOIN participant au ON au.id = $3
		WHERE pa.id <> $3 AND pa.deleted_at IS NULL AND pa.email IS NOT NULL AND pa.email_verified_at IS NOT NULL AND pa.notify_replies
		ORDER BY pa.id, concerned.reply`, ideaID, parentID, authorID)
	if err != nil {
		return err
	}
	notices, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (CommentNotice, error) {
		n := CommentNotice{IdeaID: ideaID, CommentID: commentID, Body: body}
		p, err := scanParticipant(row, &n.Reply, &n.IdeaTitle, &n.AuthorName)
		n.To = p
		return n, err
	})
	if err != nil {
		return err
	}
	for _, n := range notices {
		// Claim this hour's notice for the person and idea; a claim younger
		// than an hour wins, and this comment goes unannounced.
		tag, err := tx.Exec(ctx, `INSERT INTO comment_notice (participant_id, idea_id, sent_at) VALUES ($1, $2, $3)
			ON CONFLICT (participant_id, idea_id) DO UPDATE SET sent_at = excluded.sent_at
			WHERE comment_notice.sent_at <= excluded.sent_at - $4::interval`, n.To.ID, ideaID, now, commentNoticeEvery)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			if err := queueMail(ctx, tx, notify(n)); err != nil {
				return err
			}
		}
	}
	return nil
}
