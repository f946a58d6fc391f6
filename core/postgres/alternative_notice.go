package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// AlternativeNotice is a new alternative as told to the author of the idea
// it was proposed to.
type AlternativeNotice struct {
	To               core.Participant
	IdeaID           int64 // the idea answered
	IdeaTitle        string
	AlternativeID    int64
	AlternativeTitle string
	AuthorName       string // who proposed it
}

// queueAlternativeNotice queues notify's mail about the new idea id to the
// author of the idea it is an alternative to: not when it is their own, nor
// to accounts deleted, unconfirmed or with notify_replies off (alternatives
// are replies to an idea, as comments are).
func queueAlternativeNotice(ctx context.Context, tx pgx.Tx, id, authorID int64, notify func(AlternativeNotice) core.Mail) error {
	rows, err := tx.Query(ctx, `SELECT `+participantCols("pa")+`, o.id, o.title, i.title, coalesce(au.display_name, '')
		FROM idea i JOIN idea o ON o.id = i.alternative_to
		JOIN participant pa ON pa.id = o.author_id
		LEFT JOIN participant au ON au.id = $2
		WHERE i.id = $1 AND pa.id <> $2 AND pa.deleted_at IS NULL AND pa.email IS NOT NULL AND pa.email_verified_at IS NOT NULL
		  AND pa.notify_replies`, id, authorID)
	if err != nil {
		return wrapDB("read whom to tell of an alternative", err)
	}
	notices, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (AlternativeNotice, error) {
		n := AlternativeNotice{AlternativeID: id}
		p, err := scanParticipant(row, &n.IdeaID, &n.IdeaTitle, &n.AlternativeTitle, &n.AuthorName)
		n.To = p
		return n, err
	})
	if err != nil {
		return wrapDB("read whom to tell of an alternative", err)
	}
	for _, n := range notices {
		if err := queueMail(ctx, tx, notify(n)); err != nil {
			return err
		}
	}
	return nil
}
