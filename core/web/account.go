package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// setLanguage remembers the chosen language in a cookie (and on the account) and
// returns to the page the switch was on.
func (s *Server) setLanguage(c *gin.Context) {
	lang, ok := core.ParseLanguage(c.PostForm("lang"))
	if !ok {
		s.fail(c, core.Invalid("lang", "error.language_unknown"))
		return
	}
	s.setCookie(c, cookieLang, string(lang), 365*24*time.Hour)
	if u := userOf(c); u != nil && u.Locale != lang {
		if _, err := s.store.UpdateProfile(c.Request.Context(), u.ID, postgres.Profile{DisplayName: u.DisplayName, Locale: lang}); err != nil {
			s.log.Warn("save language on account failed", "err", err)
		}
	}
	c.Redirect(http.StatusSeeOther, safeNext(c.PostForm("next")))
}

func (s *Server) account(c *gin.Context) {
	s.accountPage(c, http.StatusOK, nil, nil)
}

// myParticipationShown is how many of their ideas, supported ideas and
// followed projects the account page lists (the data export has them all).
const myParticipationShown = 20

// accountPage renders the account page, with a just-created token or form problems.
func (s *Server) accountPage(c *gin.Context, status int, extra map[string]any, formErr error) {
	u := userOf(c)
	tokens, err := s.store.APITokens(c.Request.Context(), u.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	subs, err := s.store.Subscriptions(c.Request.Context(), u.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	mine, err := s.store.MyParticipation(c.Request.Context(), u.ID, myParticipationShown)
	if err != nil {
		s.fail(c, err)
		return
	}
	mine.Followed = projectsIn(mine.Followed, langOf(c))
	second, err := s.store.SecondFactor(c.Request.Context(), u.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	sessions, err := s.store.OpenSessions(c.Request.Context(), u.ID, currentSessionHash(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	data := map[string]any{"Tokens": tokens, "Subscriptions": subs, "Mine": mine, "TwoStep": second.Enabled, "Sessions": sessions}
	for k, v := range extra {
		data[k] = v
	}
	if formErr != nil {
		s.formPage(c, "account", formErr, map[string]string{"display_name": c.PostForm("display_name")}, data)
		return
	}
	s.render(c, status, "account", data)
}

func (s *Server) updateProfile(c *gin.Context) {
	u := userOf(c)
	name, err := core.NormalizeDisplayName(c.PostForm("display_name"))
	lang, ok := core.ParseLanguage(c.PostForm("locale"))
	if !ok {
		err = errors.Join(err, core.Invalid("locale", "error.language_unknown"))
	}
	if err != nil {
		s.accountPage(c, http.StatusUnprocessableEntity, nil, err)
		return
	}
	if _, err := s.store.UpdateProfile(c.Request.Context(), u.ID, postgres.Profile{DisplayName: name, Locale: lang}); err != nil {
		s.fail(c, err)
		return
	}
	s.refreshOwnSession(c)
	s.setCookie(c, cookieLang, string(lang), 365*24*time.Hour)
	s.redirectWithFlash(c, "/account", "flash.profile_saved")
}

// MaxTokenNameLength bounds a personal API token's label.
const maxTokenNameLength = 60

func (s *Server) createToken(c *gin.Context) {
	u := userOf(c)
	name := strings.Join(strings.Fields(c.PostForm("name")), " ")
	if name == "" || len([]rune(name)) > maxTokenNameLength {
		s.accountPage(c, http.StatusUnprocessableEntity, nil, core.Invalid("name", "error.token_name"))
		return
	}
	token, hash := core.NewToken()
	t, err := s.store.CreateAPIToken(c.Request.Context(), u.ID, name, hash)
	if err != nil {
		s.fail(c, err)
		return
	}
	// Shown once, never stored in clear.
	s.accountPage(c, http.StatusCreated, map[string]any{"NewToken": token, "NewTokenName": t.Name}, nil)
}

func (s *Server) revokeToken(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.token_not_found"))
		return
	}
	if err := s.store.RevokeAPIToken(c.Request.Context(), userOf(c).ID, id); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/account", "flash.token_revoked")
}

func (s *Server) exportAccount(c *gin.Context) {
	d, err := s.store.AccountData(c.Request.Context(), userOf(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	body, err := json.MarshalIndent(exportOf(d, s.now()), "", "  ")
	if err != nil {
		s.fail(c, core.Internalf("encode export: %w", err))
		return
	}
	c.Header("Content-Disposition", `attachment; filename="quartier-my-data-`+s.now().UTC().Format("2006-01-02")+`.json"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}

func (s *Server) deleteAccountForm(c *gin.Context) {
	s.credentialsPage(c, "delete_account", nil, nil, nil)
}

// deleteAccount erases the account once the participant proved who they are
// (their password, or a recent sign-in for an account without one).
func (s *Server) deleteAccount(c *gin.Context) {
	u := userOf(c)
	removeContent := c.PostForm("remove_content") == "yes"
	form := map[string]string{}
	if removeContent {
		form["remove_content"] = "yes"
	}
	if err := s.proveIdentity(c, u, c.PostForm("password")); err != nil {
		s.credentialsProblem(c, "delete_account", form, err)
		return
	}
	// Places at coming events go to the people waiting for them.
	if err := s.store.CancelUpcomingRegistrations(c.Request.Context(), u.ID, func(p core.Participant, m core.Meeting) core.Mail {
		return s.meetingMail(p, m, "mail.meeting.promoted", s.link(meetingPath(m.ID)))
	}); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.store.DeleteAccount(c.Request.Context(), u.ID, removeContent); err != nil {
		s.fail(c, err)
		return
	}
	s.refreshOwnSession(c)
	s.clearCookie(c, cookieSession)
	s.redirectWithFlash(c, "/", "flash.account_deleted")
}

// myListTitles are the headings of the lists of the account page, by list.
var myListTitles = map[postgres.MyList]string{
	postgres.MyIdeas: "account.my_ideas", postgres.MySupported: "account.supported",
	postgres.MyFollowed: "account.followed", postgres.MyFollowedIdeas: "account.followed_ideas",
	postgres.MyComments: "account.my_comments", postgres.MyArguments: "account.my_arguments",
	postgres.MyEvents: "account.my_events", postgres.MyResponses: "account.my_responses",
	postgres.MyBallots: "account.my_ballots",
}

// myParticipationList shows all of one list of the account page, a page at
// a time.
func (s *Server) myParticipationList(c *gin.Context) {
	list := postgres.MyList(c.Param("list"))
	title, ok := myListTitles[list]
	if !ok {
		s.fail(c, core.NotFound("error.page_not_found"))
		return
	}
	page := pageNumber(c)
	mine, total, err := s.store.MyParticipationPage(c.Request.Context(), userOf(c).ID, list, (page-1)*pageSize, pageSize)
	if err != nil {
		s.fail(c, err)
		return
	}
	mine.Followed = projectsIn(mine.Followed, langOf(c))
	s.render(c, http.StatusOK, "account_participation", map[string]any{
		"List": string(list), "Title": title, "Mine": mine, "Pager": newPager(c, page, total),
		"Back": c.Request.URL.RequestURI(),
	})
}
