package web

import (
	"errors"
	"fmt"
	"net/http"

	"majordome/internal/request"
)

// portalFollowedData is a request the reader follows because theirs was merged into it: what
// the team tells there (request.Followed), and where their own request was.
type portalFollowedData struct {
	Followed request.Followed
	Ref      string         // "#1040"
	Files    filesByMessage // the files of the team's replies, by reply
}

// portalFollowed shows, on the portal, a request the reader follows because theirs was merged
// into it: its status and the team's public replies. It is read only: replying and rating are
// its requester's. A request the reader neither asked nor follows does not exist here.
func (s *Server) portalFollowed(w http.ResponseWriter, r *http.Request, v request.Viewer) error {
	n, err := pathNumber(r)
	if err != nil {
		return err
	}
	f, err := s.Requests.ReadFollowed(r.Context(), v, n)
	if errors.Is(err, request.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "portal")
	ref := fmt.Sprintf("#%d", f.Number)
	p.Title = p.T("portal.followed.title", "ref", ref)
	files := filesByMessage{}
	for _, a := range f.Files {
		files[a.MessageID] = append(files[a.MessageID], a)
	}
	p.Data = portalFollowedData{Followed: f, Ref: ref, Files: files}
	return s.render(w, p, "portal_followed")
}

// portalFollowedAttachment sends v a file of one of the team's replies on a request v follows;
// any other file, as a request v does not follow, does not exist here.
func (s *Server) portalFollowedAttachment(w http.ResponseWriter, r *http.Request, v request.Viewer) error {
	n, err := pathNumber(r)
	if err != nil {
		return err
	}
	return s.serveAttachment(w, r, v, n, s.Requests.FollowedAttachment)
}
