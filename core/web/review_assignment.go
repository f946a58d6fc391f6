package web

import (
	"context"
	"strconv"

	"quartier/core"
	"quartier/core/postgres"
)

// AssignReviews gives every idea in feasibility review without a reviewer to
// one (see postgres.Store.AssignPendingReviews) and mails each reviewer. It runs
// every day, which catches an idea whose assignment was interrupted (a support
// that sends an idea to review assigns that idea at once: afterReview). It
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

// afterReview runs the follow-up of a support that sent an idea to review: the
// author is told and a reviewer assigned. Failures are logged: the support counted.
func (s *Server) afterReview(ctx context.Context, ideaID int64) {
	if i, err := s.store.Idea(ctx, ideaID); err == nil {
		s.notifyReview(ctx, i)
	}
	assigned, err := s.store.AssignReview(ctx, ideaID)
	if err == nil {
		err = s.mailReviewers(ctx, assigned)
	}
	if err != nil {
		s.log.Warn("automatic review assignment failed", "idea", ideaID, "err", err)
	}
}

// notifyReview tells the author that their idea reached the threshold and
// enters feasibility review. A failure is logged: the support itself counted.
func (s *Server) notifyReview(ctx context.Context, i core.Idea) {
	author, err := s.store.Participant(ctx, i.AuthorID)
	if err != nil || author.Deleted() {
		return
	}
	m := core.Mail{To: author.Email, Subject: s.catalog.T(author.Locale, "mail.review.subject", "idea", i.Title),
		Body: s.catalog.T(author.Locale, "mail.review.body", "name", author.DisplayName, "idea", i.Title, "n", s.cfg.FollowUp.SupportThreshold,
			"link", s.link("/ideas/"+strconv.FormatInt(i.ID, 10)))}
	if err := s.store.QueueMails(ctx, []core.Mail{m}); err != nil {
		s.log.Warn("review notice not queued", "idea", i.ID, "err", err)
		return
	}
	s.mailPoke()
}
