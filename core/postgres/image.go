package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// ImageRef describes an image (of a project or an idea) without its bytes.
type ImageRef struct {
	ID            int64
	Width, Height int
	Alt           string
}

// AddProjectImage stores a normalised image for a project.
func (s *Store) AddProjectImage(ctx context.Context, actorID, projectID int64, img core.Image) (int64, error) {
	var id int64
	err := s.inTx(ctx, "add project image", func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO project_image (project_id, content_type, data, width, height, alt, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, projectID, img.ContentType, img.Data, img.Width, img.Height, img.Alt, s.now()).Scan(&id)
		if isForeignKeyViolation(err) {
			return core.NotFound("error.project_not_found")
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, actorID, "project.image", core.EntityProject, projectID, img.Alt, s.now())
	})
	return id, err
}

// ProjectImages lists a project's images.
func (s *Store) ProjectImages(ctx context.Context, projectID int64) ([]ImageRef, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, width, height, alt FROM project_image WHERE project_id = $1 ORDER BY id`, projectID)
	if err != nil {
		return nil, wrapDB("list images", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ImageRef, error) {
		var r ImageRef
		return r, row.Scan(&r.ID, &r.Width, &r.Height, &r.Alt)
	})
	return out, wrapDB("scan images", err)
}

// ProjectImage returns an image's bytes and type, for a published project (or
// any project when staff ask).
func (s *Store) ProjectImage(ctx context.Context, id int64, anyStatus bool) (string, []byte, error) {
	var ctype string
	var data []byte
	err := s.pool.QueryRow(ctx, `SELECT i.content_type, i.data FROM project_image i JOIN project p ON p.id = i.project_id
		WHERE i.id = $1 AND ($2 OR p.status <> 'draft')`, id, anyStatus).Scan(&ctype, &data)
	if err != nil {
		return "", nil, notFoundOr(err, "error.page_not_found", "read image")
	}
	return ctype, data, nil
}

// FirstProjectImage returns a project's first image with its bytes (ok false
// when it has none), for the channels that post one with the project.
func (s *Store) FirstProjectImage(ctx context.Context, projectID int64) (core.Image, bool, error) {
	var img core.Image
	err := s.pool.QueryRow(ctx, `SELECT content_type, data, width, height, alt FROM project_image
		WHERE project_id = $1 ORDER BY id LIMIT 1`, projectID).Scan(&img.ContentType, &img.Data, &img.Width, &img.Height, &img.Alt)
	if errors.Is(err, pgx.ErrNoRows) {
		return img, false, nil
	}
	return img, err == nil, wrapDB("first project image", err)
}
