package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"majordome/internal/importfile"
	"majordome/internal/people"
)

// importPurpose names the files staged by the people import; importTTL is how long one waits
// between the preview and the confirmation, long enough to read the preview over a coffee.
const (
	importPurpose = "people-import"
	importTTL     = time.Hour
)

// errNoFile is a preview request without a file in it; errBadUpload one whose body did not
// arrive whole (a connection cut mid-upload).
var (
	errNoFile    = errors.New("web: no file uploaded")
	errBadUpload = errors.New("web: upload cut short")
)

// importPageData is the upload page: the columns it explains and, after a failed attempt, why
// the file could not be read.
type importPageData struct {
	Columns []importColumn
	Problem *fileProblem
}

// importColumn is one row of the table of expected columns.
type importColumn struct {
	Field    string
	Required bool
	Example  string
}

// importColumns are the columns a people file may have, in the order of the template file.
var importColumns = []importColumn{
	{"last_name", true, "Thomas"}, {"first_name", true, "Zoé"}, {"email", true, "zoe.thomas@exemple.fr"},
	{"team", false, "Ventes"}, {"site", false, "Lyon - Part-Dieu"}, {"manager_email", false, "camille.martin@exemple.fr"},
	{"start_date", false, "02/05/2022"}, {"end_date", false, ""}, {"language", false, "fr"}, {"active", false, "oui"},
}

// importPage explains which files work and offers the upload form.
func (s *Server) importPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderImportPage(w, s.importFrame(w, r), nil, http.StatusOK)
}

// importPreview reads the uploaded file and shows what importing it would change, writing
// nothing. A file without mistakes is staged, so the confirmation imports exactly that file.
func (s *Server) importPreview(w http.ResponseWriter, r *http.Request) error {
	p := s.importFrame(w, r)
	ctx := r.Context()
	name, content, err := uploadedFile(w, r)
	var rows []importfile.PersonRow
	if err == nil {
		rows, err = importfile.ReadPeople(bytes.NewReader(content), name)
	}
	var res people.ImportResult
	if err == nil {
		res, err = s.People.Import(ctx, rows, false, nil)
	}
	if fp := s.describeFileError(p, err); fp != nil {
		return s.renderImportPage(w, p, fp, fp.Status)
	}
	if err != nil {
		return err
	}
	token := ""
	if res.OK() && res.Created+res.Updated > 0 {
		if token, err = s.Upload.Save(ctx, importPurpose, p.User.UserID, name, content, importTTL); err != nil {
			return err
		}
	}
	return s.renderImportPreview(w, p, name, rows, res, token)
}

// uploadedFile returns the name and content of the form's file, refusing more than
// importfile.MaxFileSize. The body limit only bites when nothing read the body before; the
// size checks after it hold in every case.
func uploadedFile(w http.ResponseWriter, r *http.Request) (string, []byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, importfile.MaxFileSize+1<<20) // room for the form around it
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return "", nil, importfile.ErrTooLarge
		case errors.Is(err, http.ErrNotMultipart) || errors.Is(err, http.ErrMissingBoundary):
			return "", nil, errNoFile
		}
		return "", nil, fmt.Errorf("%w: %v", errBadUpload, err)
	}
	f, hdr, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return "", nil, errNoFile
	}
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	if hdr.Size > importfile.MaxFileSize {
		return "", nil, importfile.ErrTooLarge
	}
	content, err := io.ReadAll(io.LimitReader(f, importfile.MaxFileSize+1))
	if err != nil {
		return "", nil, err
	}
	if len(content) > importfile.MaxFileSize {
		return "", nil, importfile.ErrTooLarge
	}
	return hdr.Filename, content, nil
}

// importFrame prepares a page of the import.
func (s *Server) importFrame(w http.ResponseWriter, r *http.Request) *Page {
	p := s.newPage(w, r, "people")
	p.Title = p.T("import.title")
	return p
}

// renderImportPage shows the upload page, with the problem of the last file if there was one.
func (s *Server) renderImportPage(w http.ResponseWriter, p *Page, fp *fileProblem, status int) error {
	p.Data = importPageData{Columns: importColumns, Problem: fp}
	return s.renderStatus(w, status, p, "people_import")
}
