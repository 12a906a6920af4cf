package web

import (
	"context"
	"net/http"

	"majordome/internal/announce"
	"majordome/internal/audit"
	"majordome/internal/httpx"
	"majordome/internal/i18n"
)

// The page of the "J'ai lu" link an announcement's email carries: public, no sign-in, the
// token is the secret. GET only shows the announcement and a button (link scanners and mail
// previews follow links: a GET must not acknowledge); the button POSTs, with the page's CSRF
// token, to the same token's URL, which acknowledges (announce.Service.AcknowledgeToken) and
// thanks. Twice is harmless; an unknown token is a 404.

// announceAckData is the page's Data.
type announceAckData struct {
	Token   string
	A       announce.Announcement
	Done    bool // acknowledged, by this POST or before
	Already bool // acknowledged before this visit
}

// announceByToken reads what the token names, without acknowledging.
func (s *Server) announceByToken(ctx context.Context, token string) (announce.Announcement, announce.Recipient, error) {
	if s.Announce == nil || token == "" {
		return announce.Announcement{}, announce.Recipient{}, errNotFound
	}
	a, rec, err := s.Announce.ByToken(ctx, token)
	return a, rec, announceErr(err)
}

// announceAckPage is GET /announcements/ack/{token}: the announcement and its button.
func (s *Server) announceAckPage(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	a, rec, err := s.announceByToken(r.Context(), token)
	if err != nil {
		return err
	}
	p := s.announceAckFrame(w, r, rec.Language)
	p.Data = announceAckData{Token: token, A: a, Done: rec.AckAt != nil, Already: rec.AckAt != nil}
	return s.render(w, p, "announce_ack")
}

// announceAck is POST /announcements/ack/{token}: "J'ai lu", through the email.
func (s *Server) announceAck(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	a, rec, err := s.announceByToken(r.Context(), token)
	if err != nil {
		return err
	}
	d := announceAckData{Token: token, A: a, Done: true, Already: rec.AckAt != nil}
	if !d.Already {
		ctx := audit.WithActor(r.Context(), audit.Actor{Kind: "system", Name: rec.Name + " (email)",
			RequestID: httpx.RequestID(r.Context()), IP: httpx.ClientIP(r)})
		if d.A, rec, err = s.Announce.AcknowledgeToken(ctx, token); err != nil {
			return announceErr(err)
		}
	}
	p := s.announceAckFrame(w, r, rec.Language)
	p.Data = d
	return s.render(w, p, "announce_ack")
}

// announceAckFrame is the page's frame, in the recipient's language unless ?lang= says
// otherwise.
func (s *Server) announceAckFrame(w http.ResponseWriter, r *http.Request, lang string) *Page {
	p := s.newPage(w, r, "")
	if r.URL.Query().Get("lang") == "" && i18n.Supported(lang) {
		p.Lang = lang
	}
	p.Title = p.T("announcechannels.ack.title")
	return p
}
