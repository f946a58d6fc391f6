package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/geo"
)

// homeAreas returns the participant's address and the areas it lies in: by
// position when the register has one, and by the register's commune otherwise.
func (s *Server) homeAreas(c *gin.Context, participantID int64) (*core.Address, []core.Area, error) {
	a, err := s.store.HomeAddress(c.Request.Context(), participantID)
	if core.CodeOf(err) == core.CodeNotFound {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	g, err := s.geography(c.Request.Context())
	if err != nil {
		return nil, nil, err
	}
	return &a, g.areasAround(a), nil
}

// areasAround lists the areas an address lies in: those containing its
// position, and its commune by the register's name (an address without a
// position is still in its commune).
func (g *geography) areasAround(a core.Address) []core.Area {
	var areas []core.Area
	seen := map[int64]bool{}
	if a.HasPoint {
		for _, id := range g.index.Containing(a.Point, nil) {
			areas = append(areas, g.areas[id])
			seen[id] = true
		}
	}
	for _, area := range g.communesByName[geo.FoldName(a.Commune)] {
		if !seen[area.ID] {
			areas = append(areas, area)
		}
	}
	return areas
}

// addressReturn is the page that sent the resident to give their address
// (?next=, a path on this site), where saving it takes them back; "" when
// they came from elsewhere.
func addressReturn(next string) string {
	if next == "" || safeNext(next) != next {
		return ""
	}
	return next
}

// accountAddress shows the home address form, with matches for ?q=.
func (s *Server) accountAddress(c *gin.Context) {
	home, areas, err := s.homeAreas(c, userOf(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	var matches []core.Address
	q := searchQuery(c)
	if q != "" {
		if matches, err = s.store.SearchAddresses(c.Request.Context(), q, 30); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.render(c, http.StatusOK, "account_address", map[string]any{
		"Home": home, "HomeAreas": areas, "Query": q, "Matches": matches, "Searched": q != "",
		"Next": addressReturn(c.Query("next")),
	})
}

func (s *Server) setAccountAddress(c *gin.Context) {
	id, err := strconv.ParseInt(c.PostForm("address_id"), 10, 64)
	if err != nil || id < 0 {
		s.fail(c, core.Invalid("address_id", "error.address_not_found"))
		return
	}
	if id > 0 {
		if _, err := s.store.Address(c.Request.Context(), id); err != nil {
			s.fail(c, err)
			return
		}
	}
	if err := s.store.SetHomeAddress(c.Request.Context(), userOf(c).ID, id); err != nil {
		s.fail(c, err)
		return
	}
	back := "/account/address"
	if next := addressReturn(c.PostForm("next")); next != "" && id > 0 {
		back = next
	}
	s.redirectWithFlash(c, back, "flash.address_saved")
}
