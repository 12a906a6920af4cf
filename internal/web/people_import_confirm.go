package web

import (
	"bytes"
	"errors"
	"net/http"

	"majordome/internal/importfile"
	"majordome/internal/people"
	"majordome/internal/upload"
)

// importConfirm imports the file staged by the preview, all or nothing. The file is read and
// checked again: the directory may have changed since the preview.
func (s *Server) importConfirm(w http.ResponseWriter, r *http.Request) error {
	p := s.importFrame(w, r)
	ctx := r.Context()
	token := r.PostFormValue("token")
	name, content, err := s.Upload.Load(ctx, token, importPurpose, p.User.UserID)
	if errors.Is(err, upload.ErrNotFound) {
		// Expired, already imported, or staged by someone else: the remedy is the same.
		p.Flash = &flash{Kind: "error", Message: p.T("import.expired")}
		return s.renderImportPage(w, p, nil, http.StatusGone)
	}
	if err != nil {
		return err
	}
	rows, err := importfile.ReadPeople(bytes.NewReader(content), name)
	var res people.ImportResult
	if err == nil {
		res, err = s.People.Import(ctx, rows, true, nil)
	}
	if fp := s.describeFileError(p, err); fp != nil {
		return s.renderImportPage(w, p, fp, fp.Status)
	}
	if err != nil {
		return err
	}
	if !res.OK() {
		// Someone changed the directory since the preview (an email now taken, say): say why,
		// and let the person upload the file again once it is fixed.
		return s.renderImportPreview(w, p, name, rows, res, "")
	}
	if err := s.Upload.Delete(ctx, token); err != nil {
		s.Log.Warn("import: staged file not deleted; it expires on its own", "err", err)
	}
	s.setFlash(w, "success", p.T("import.done", "created", p.T("import.done.created", "n", res.Created, "count", p.Num(res.Created)),
		"updated", p.T("import.done.updated", "n", res.Updated, "count", p.Num(res.Updated))))
	http.Redirect(w, r, "/people", http.StatusSeeOther)
	return nil
}
