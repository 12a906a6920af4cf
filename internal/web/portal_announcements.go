package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"majordome/internal/announce"
	"majordome/internal/httpx"
)

// The announcements in the portal, for the people they went to: a banner on every portal
// page for each one to acknowledge (or, none asked, to read), the announcement's page (reading
// it marks it read), "J'ai lu" (a POST, by htmx from the banner), the attachments, and the
// list of past announcements. Someone who was not a recipient finds nothing: a 404.

// portalAnnouncementsData is the list page's Data.
type portalAnnouncementsData struct {
	Pending []announce.Announcement // to acknowledge or read (the banners)
	Past    []announce.Announcement // every announcement they received, newest first
}

// portalAnnouncementData is an announcement's page.
type portalAnnouncementData struct {
	A         announce.Announcement
	Recipient announce.Recipient
}

// portalPerson is the reader's person in the directory; 0 when their account has none.
func (s *Server) portalPerson(r *http.Request) (int64, error) {
	v, err := s.viewer(r)
	return v.PersonID, err
}

// portalBanners are the banners of a portal page: the reader's announcements to acknowledge or
// read. A page does not fail for its banners: a failure is logged and shows none.
func (s *Server) portalBanners(r *http.Request) []announce.Announcement {
	if s.Announce == nil {
		return nil
	}
	if _, ok := httpx.IdentityFrom(r.Context()); !ok {
		return nil
	}
	person, err := s.portalPerson(r)
	if err != nil || person == 0 {
		return nil
	}
	banners, err := s.Announce.Banners(r.Context(), person)
	if err != nil {
		s.Log.Warn("portal banners", "request_id", httpx.RequestID(r.Context()), "err", err)
		return nil
	}
	return banners
}

// portalAnnouncements is the list of the reader's announcements.
func (s *Server) portalAnnouncements(w http.ResponseWriter, r *http.Request) error {
	person, err := s.portalPerson(r)
	if err != nil {
		return err
	}
	var d portalAnnouncementsData
	if person != 0 && s.Announce != nil {
		if d.Pending, d.Past, err = s.Announce.ForPerson(r.Context(), person); err != nil {
			return err
		}
	}
	p := s.newPage(w, r, "portal")
	p.Banners = nil // the list shows them
	p.Title = p.T("announcechannels.portal.title")
	p.Data = d
	return s.render(w, p, "portal_announcements")
}

// portalAnnouncementOf loads announcement {id} for the reader, who must be one of its
// recipients.
func (s *Server) portalAnnouncementOf(r *http.Request) (announce.Announcement, announce.Recipient, error) {
	id, err := pathID(r)
	if err != nil || s.Announce == nil {
		return announce.Announcement{}, announce.Recipient{}, errNotFound
	}
	person, err := s.portalPerson(r)
	if err != nil {
		return announce.Announcement{}, announce.Recipient{}, err
	}
	if person == 0 {
		return announce.Announcement{}, announce.Recipient{}, errNotFound
	}
	rec, err := s.Announce.Recipient(r.Context(), id, person)
	if err != nil {
		return announce.Announcement{}, rec, announceErr(err)
	}
	a, err := s.Announce.Get(r.Context(), id)
	return a, rec, announceErr(err)
}

// announceErr maps the announcements' errors to pages: one that is not theirs does not exist.
func announceErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, announce.ErrNotFound), errors.Is(err, announce.ErrNotRecipient), errors.Is(err, announce.ErrBadToken):
		return errors.Join(errNotFound, err)
	}
	return err
}

// portalAnnouncement shows an announcement to one of its recipients, and marks it read.
func (s *Server) portalAnnouncement(w http.ResponseWriter, r *http.Request) error {
	a, rec, err := s.portalAnnouncementOf(r)
	if err != nil {
		return err
	}
	if rec.ReadAt == nil {
		if err := s.Announce.MarkRead(r.Context(), a.ID, rec.PersonID, announce.ChannelPortal); err != nil {
			return err
		}
	}
	p := s.newPage(w, r, "portal")
	p.Banners = slices.DeleteFunc(p.Banners, func(b announce.Announcement) bool { return b.ID == a.ID })
	p.Title = a.Title
	p.Data = portalAnnouncementData{A: a, Recipient: rec}
	return s.render(w, p, "portal_announcement")
}

// portalAnnouncementAck is "J'ai lu": an acknowledgement when one is asked, else a reading.
// From a banner (htmx), the banner becomes its thanks; otherwise back to the announcement.
func (s *Server) portalAnnouncementAck(w http.ResponseWriter, r *http.Request) error {
	a, rec, err := s.portalAnnouncementOf(r)
	if err != nil {
		return err
	}
	if a.AckRequired {
		err = s.Announce.Acknowledge(r.Context(), a.ID, rec.PersonID, announce.ChannelPortal)
	} else {
		err = s.Announce.MarkRead(r.Context(), a.ID, rec.PersonID, announce.ChannelPortal)
	}
	if err != nil {
		return announceErr(err)
	}
	p := s.newPage(w, r, "")
	if wantsFragment(r) {
		p.Data = a
		return s.tmpl.fragment(w, "portal_announcement", "announce-banner-done", p)
	}
	s.setFlash(w, "success", p.T("announcechannels.ack.thanks"))
	back := "/portal/announcements/" + strconv.FormatInt(a.ID, 10)
	if ref := r.PostFormValue("back"); strings.HasPrefix(ref, "/portal") && !strings.HasPrefix(ref, "//") {
		back = ref
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// portalAnnouncementFile serves an attachment of an announcement to one of its recipients.
func (s *Server) portalAnnouncementFile(w http.ResponseWriter, r *http.Request) error {
	a, _, err := s.portalAnnouncementOf(r)
	if err != nil {
		return err
	}
	return s.serveAnnouncementFile(w, r, a.ID, a.CreatedAt)
}

// serveAnnouncementFile sends the attachment {file} of announcement id, images inline.
func (s *Server) serveAnnouncementFile(w http.ResponseWriter, r *http.Request, id int64, modTime time.Time) error {
	fileID, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil {
		return errNotFound
	}
	f, err := s.Announce.File(r.Context(), id, fileID)
	if err != nil {
		return announceErr(err)
	}
	httpx.ServeDownload(w, r, httpx.Download{Name: f.Name, ContentType: f.ContentType, ModTime: modTime, Data: f.Data,
		Inline: strings.HasPrefix(f.ContentType, "image/")})
	return nil
}

// AnnounceBannerClass is the callout style of an announcement's importance.
func (p *Page) AnnounceBannerClass(i announce.Importance) string {
	switch i {
	case announce.Action:
		return "callout announce-banner announce-banner-action"
	case announce.Important:
		return "callout callout-warning announce-banner"
	}
	return "callout announce-banner"
}

// AnnounceKind is an importance in words: "Information", "Important", "Action requise".
func (p *Page) AnnounceKind(i announce.Importance) string {
	switch i {
	case announce.Important, announce.Action:
		return p.T("announcechannels.importance." + string(i))
	}
	return p.T("announcechannels.importance.info")
}
