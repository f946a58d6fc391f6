package web

import (
	"strconv"

	"quartier/core"
	"quartier/core/postgres"
)

// AlternativeNoticeMail tells the author of an idea, in their language, that
// someone proposed an alternative to it, with a link to it and to stop such
// mails (they come with comments on one's ideas).
func (s *Server) AlternativeNoticeMail(n postgres.AlternativeNotice) core.Mail {
	t := func(key string, args ...any) string { return s.catalog.T(n.To.Locale, key, args...) }
	who := n.AuthorName
	if who == "" {
		who = t("participant.former")
	}
	unsubscribe := s.unsubscribeURL(n.To.ID, postgres.SubscriptionReplies)
	return core.Mail{To: n.To.Email, Subject: t("mail.alternative.subject", "who", who, "idea", n.IdeaTitle), Unsubscribe: unsubscribe,
		Body: t("mail.alternative.body", "name", n.To.DisplayName, "who", who, "idea", n.IdeaTitle, "alternative", n.AlternativeTitle,
			"link", s.link("/ideas/"+strconv.FormatInt(n.AlternativeID, 10)), "unsubscribe", unsubscribe)}
}
