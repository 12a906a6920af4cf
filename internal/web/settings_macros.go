package web

import (
	"net/http"
)

// The desk's macros became reply templates of the bible (articles of kind "reply_template"):
// their former page sends agents to the bible, filtered on them.

// macrosPage redirects to the bible's reply templates.
func (s *Server) macrosPage(w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, "/bible?kind=reply_template", http.StatusMovedPermanently)
	return nil
}
