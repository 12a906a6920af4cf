package web

import (
	"errors"
	"net/http"
	"strconv"

	"majordome/internal/announce"
	"majordome/internal/article"
	"majordome/internal/people"
	"majordome/internal/request"
)

// announceFormData is the composer: the announcement being edited (ID 0 for a new one), the
// choices of the audience, the bible's templates, and the live count and previews as the page
// first shows them.
type announceFormData struct {
	Announcement announce.Announcement
	Correction   bool // it went already: saving corrects what was sent
	Teams        []people.Team
	Sites        []people.Site
	Articles     []article.Article // published articles, to start from
	Replies      []article.Article // reply templates, to start from
	Count        announceCountData
	Preview      announcePreviewData
	Channels     []string
	Importances  []announce.Importance
	Zone         string // the timezone dates are typed in
}

// announceNew is the composer for a new announcement.
func (s *Server) announceNew(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "announcements")
	p.Form = newAnnounceForm(s.Mail != nil && s.Mail.Ready(r.Context()))
	return s.renderAnnounceForm(w, r, p, announce.Announcement{}, http.StatusOK)
}

// announceCreate sends, schedules or keeps as a draft a new announcement, and opens it.
func (s *Server) announceCreate(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "announcements")
	files, err := s.uploadedFiles(p, r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	p.Form = r.PostForm
	if s.formErrors(p, err) {
		return s.renderAnnounceForm(w, r, p, announce.Announcement{}, http.StatusUnprocessableEntity)
	} else if err != nil {
		return err
	}
	in, errs := announceFromForm(r.PostForm, p.loc)
	if len(errs) > 0 {
		s.formErrors(p, errs)
		return s.renderAnnounceForm(w, r, p, announce.Announcement{}, http.StatusUnprocessableEntity)
	}
	in.Files = announceFiles(files)
	a, err := s.Announce.Create(r.Context(), in)
	if s.formErrors(p, err) {
		return s.renderAnnounceForm(w, r, p, announce.Announcement{}, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", announceSavedMessage(p, a, false))
	http.Redirect(w, r, "/announcements/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
	return nil
}

// announceEdit is the composer of a saved announcement: an edit before it goes, a correction
// after.
func (s *Server) announceEdit(w http.ResponseWriter, r *http.Request) error {
	a, err := s.announcement(r)
	if err != nil {
		return err
	}
	if a.Status == announce.StatusCancelled {
		return errNotFound
	}
	p := s.newPage(w, r, "announcements")
	p.Form = announceForm(a, p.loc)
	return s.renderAnnounceForm(w, r, p, a, http.StatusOK)
}

// announceUpdate saves an edit (before it goes) or a correction (after: the Slack messages
// sent are edited, the portal shows the new text).
func (s *Server) announceUpdate(w http.ResponseWriter, r *http.Request) error {
	before, err := s.announcement(r)
	if err != nil {
		return err
	}
	if before.Status == announce.StatusCancelled {
		return errNotFound
	}
	p := s.newPage(w, r, "announcements")
	files, err := s.uploadedFiles(p, r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	p.Form = r.PostForm
	if s.formErrors(p, err) {
		return s.renderAnnounceForm(w, r, p, before, http.StatusUnprocessableEntity)
	} else if err != nil {
		return err
	}
	in, errs := announceFromForm(r.PostForm, p.loc)
	correction := !announceEditable(before)
	if correction {
		// A correction changes the words, not who it went to, how, nor when.
		in, errs = announceCorrection(before, in), nil
	}
	if len(errs) > 0 {
		s.formErrors(p, errs)
		return s.renderAnnounceForm(w, r, p, before, http.StatusUnprocessableEntity)
	}
	if !correction {
		// The files already attached stay (the service removes those left out); new ones join.
		for _, f := range before.Files {
			in.Files = append(in.Files, announce.File{ID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size})
		}
		in.Files = append(in.Files, announceFiles(files)...)
	}
	a, err := s.Announce.Update(r.Context(), before.ID, in)
	if s.formErrors(p, err) {
		return s.renderAnnounceForm(w, r, p, before, http.StatusUnprocessableEntity)
	}
	if errors.Is(err, announce.ErrCancelled) {
		return errNotFound
	}
	if err != nil {
		return announceErr(err)
	}
	s.setFlash(w, "success", announceSavedMessage(p, a, correction))
	http.Redirect(w, r, "/announcements/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
	return nil
}

// announceCorrection is the input of a correction: the new title and body, everything else as
// it went.
func announceCorrection(a announce.Announcement, typed announce.Input) announce.Input {
	return announce.Input{Title: typed.Title, Body: typed.Body, Importance: a.Importance,
		AckRequired: a.AckRequired, AckBy: a.AckBy, Audience: a.Audience, Channels: a.Channels,
		SlackDM: a.SlackDM, SlackChannel: a.SlackChannel, SendAt: a.SendAt}
}

// announceTemplate fills the composer's title and body from a bible article or reply template,
// keeping everything else typed (the picker's button posts the whole form here).
func (s *Server) announceTemplate(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "announcements")
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return err
	}
	p.Form = r.PostForm
	var a announce.Announcement
	if id, err := strconv.ParseInt(p.Form.Get("id"), 10, 64); err == nil && id > 0 {
		if a, err = s.Announce.Get(r.Context(), id); err != nil {
			return announceErr(err)
		}
	}
	v, err := s.bibleViewer(r)
	if err != nil {
		return err
	}
	if id, err := strconv.ParseInt(p.Form.Get("template"), 10, 64); err == nil {
		art, err := s.Articles.ReadID(r.Context(), v, id)
		if err != nil {
			return bibleErr(err)
		}
		p.Form.Set("title", art.Title)
		p.Form.Set("body", art.Body)
	}
	return s.renderAnnounceForm(w, r, p, a, http.StatusOK)
}

// renderAnnounceForm shows the composer with p.Form, its count and previews.
func (s *Server) renderAnnounceForm(w http.ResponseWriter, r *http.Request, p *Page, a announce.Announcement, status int) error {
	ctx := r.Context()
	d := announceFormData{Announcement: a, Correction: a.ID != 0 && !announceEditable(a),
		Channels: announceChannels, Importances: announceImportances, Zone: p.Company.Timezone}
	switch {
	case a.ID == 0:
		p.Title = p.T("announcecompose.new.title")
	case d.Correction:
		p.Title = p.T("announcecompose.correct.title", "title", a.Title)
	default:
		p.Title = p.T("announcecompose.edit.title", "title", a.Title)
	}
	var err error
	if d.Teams, err = s.People.Teams(ctx); err != nil {
		return err
	}
	if d.Sites, err = s.People.Sites(ctx); err != nil {
		return err
	}
	v, err := s.bibleViewer(r)
	if err != nil {
		return err
	}
	all, err := s.Articles.List(ctx, v, article.Filter{Status: article.StatusPublished})
	if err != nil {
		return err
	}
	for _, art := range all {
		if art.Kind == article.KindReplyTemplate {
			d.Replies = append(d.Replies, art)
		} else {
			d.Articles = append(d.Articles, art)
		}
	}
	d.Count = s.announceCount(r, p, announceAudience(p.Form))
	d.Preview = announcePreview(p, p.Form)
	p.Data = d
	return s.renderStatus(w, status, p, "announcements_form")
}

// announceFiles turns checked uploads into the announcement's attachments.
func announceFiles(files []request.File) []announce.File {
	var out []announce.File
	for _, f := range files {
		out = append(out, announce.File{Name: f.Name, ContentType: f.ContentType, Size: int64(len(f.Data)), Data: f.Data})
	}
	return out
}

// announceSavedMessage is the flash after saving: sent, scheduled, kept as a draft, corrected.
func announceSavedMessage(p *Page, a announce.Announcement, correction bool) string {
	switch {
	case correction:
		return p.T("announcecompose.flash.corrected", "title", a.Title)
	case a.Status == announce.StatusDraft:
		return p.T("announcecompose.flash.draft", "title", a.Title)
	case a.Status == announce.StatusScheduled && a.SendAt != nil:
		return p.T("announcecompose.flash.scheduled", "title", a.Title, "when", p.DateTime(*a.SendAt))
	}
	return p.T("announcecompose.flash.sent", "title", a.Title, "n", a.Counts.Recipients, "count", p.Num(a.Counts.Recipients))
}
