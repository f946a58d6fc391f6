package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"quartier/core"
	"quartier/core/postgres"
)

// AssignReviews gives every idea in feasibility review without a reviewer to
// one (see postgres.Store.AssignPendingReviews) and mails each reviewer. It runs
// every day, which catches an idea whose assignment was interrupted (a support
// that sends an idea to review assigns that idea at once: FollowUpReview). It
// returns how many ideas it assigned.
func (s *Server) AssignReviews(ctx context.Context) (int, error) {
	assigned, err := s.store.AssignPendingReviews(ctx)
	if err != nil {
		return 0, err
	}
	return len(assigned), s.mailReviewers(ctx, assigned)
}

// mailReviewers tells each reviewer of their new assignment.
func (s *Server) mailReviewers(ctx context.Context, assigned []postgres.ReviewAssignment) error {
	mails := make([]core.Mail, 0, len(assigned))
	for _, a := range assigned {
		mails = append(mails, s.assignedMail(a.Reviewer, a.Idea))
	}
	if err := s.store.QueueMails(ctx, mails); err != nil {
		return err
	}
	s.mailPoke()
	return nil
}

// assignedMail tells a staff member that an idea is theirs to review and by
// when the official answer is due.
func (s *Server) assignedMail(reviewer core.Participant, i core.Idea) core.Mail {
	return core.Mail{To: reviewer.Email, Subject: s.catalog.T(reviewer.Locale, "mail.assigned.subject", "idea", i.Title),
		Body: s.catalog.T(reviewer.Locale, "mail.assigned.body", "name", reviewer.DisplayName, "idea", i.Title,
			"due", i.AnswerDueOn.Format("2006-01-02"), "link", s.link(staffIdeaPath(i.ID)))}
}

// assignedManyMail tells a reviewer of the ideas just given to them: the
// single-idea mail for one, a list for more.
func (s *Server) assignedManyMail(reviewer core.Participant, ideas []core.Idea) core.Mail {
	if len(ideas) == 1 {
		return s.assignedMail(reviewer, ideas[0])
	}
	var list strings.Builder
	for _, i := range ideas {
		fmt.Fprintf(&list, "- %s (%s)\n  %s\n", i.Title, s.catalog.T(reviewer.Locale, "mail.assigned.due", "due", i.AnswerDueOn.Format("2006-01-02")),
			s.link(staffIdeaPath(i.ID)))
	}
	return core.Mail{To: reviewer.Email, Subject: s.catalog.T(reviewer.Locale, "mail.assigned_many.subject", "n", len(ideas)),
		Body: s.catalog.T(reviewer.Locale, "mail.assigned_many.body", "name", reviewer.DisplayName, "n", len(ideas), "list", list.String())}
}

// startReviewFollowUp starts the follow-up of a support that sent an idea to
// review (FollowUpReview) in the background, so that the support is answered
// at once: ideas crossing their threshold together (a popular campaign) would
// otherwise hold up every support behind a burst of mails and assignments.
// Without a sync engine, or when the engine refuses the task at once, it runs
// here (a task the engine fails to insert later is logged there; the daily
// run assigns the idea). The support is committed: a client leaving now
// cancels none of this.
func (s *Server) startReviewFollowUp(ctx context.Context, ideaID int64) {
	ctx = context.WithoutCancel(ctx)
	if s.sync != nil {
		err := s.sync.Enqueue(ctx, core.TaskReviewFollowUp, ideaID)
		if err == nil {
			return
		}
		s.log.Warn("review follow-up not queued; running it now", "idea", ideaID, "err", err)
	}
	if err := s.FollowUpReview(ctx, ideaID); err != nil {
		s.log.Warn("review follow-up failed; the daily run assigns a reviewer", "idea", ideaID, "err", err)
	}
}

// FollowUpReview is the follow-up of an idea that reached the support
// threshold (core.TaskReviewFollowUp): a reviewer is assigned and told, and the
// author is told. It is safe to repeat after a failure: an idea already
// assigned is not assigned (or its reviewer mailed) again.
func (s *Server) FollowUpReview(ctx context.Context, ideaID int64) error {
	assigned, err := s.store.AssignReview(ctx, ideaID)
	if err != nil {
		return fmt.Errorf("assign a reviewer to idea %d: %w", ideaID, err)
	}
	if err := s.mailReviewers(ctx, assigned); err != nil {
		return fmt.Errorf("tell the reviewer of idea %d: %w", ideaID, err)
	}
	if len(assigned) == 1 { // the assignment read the idea
		return s.notifyReview(ctx, assigned[0].Idea)
	}
	i, err := s.store.Idea(ctx, ideaID)
	if err != nil {
		return fmt.Errorf("read idea %d: %w", ideaID, err)
	}
	return s.notifyReview(ctx, i)
}

// notifyReview tells the author that their idea reached the threshold and
// enters feasibility review (nobody when the author deleted their account).
func (s *Server) notifyReview(ctx context.Context, i core.Idea) error {
	author, err := s.store.Participant(ctx, i.AuthorID)
	if err != nil {
		return fmt.Errorf("read the author of idea %d: %w", i.ID, err)
	}
	if author.Deleted() {
		return nil
	}
	m := core.Mail{To: author.Email, Subject: s.catalog.T(author.Locale, "mail.review.subject", "idea", i.Title),
		Body: s.catalog.T(author.Locale, "mail.review.body", "name", author.DisplayName, "idea", i.Title, "n", s.cfg.FollowUp.SupportThreshold,
			"link", s.link("/ideas/"+strconv.FormatInt(i.ID, 10)))}
	if err := s.store.QueueMails(ctx, []core.Mail{m}); err != nil {
		return fmt.Errorf("queue the review notice of idea %d: %w", i.ID, err)
	}
	s.mailPoke()
	return nil
}
