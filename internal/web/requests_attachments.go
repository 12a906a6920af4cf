package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"majordome/internal/httpx"
	"majordome/internal/i18n"
	"majordome/internal/request"
	"majordome/internal/valid"
)

// filesField is the file input of the reply box and of the portal's form.
const filesField = "files"

// filesByMessage are a request's attachments grouped by the message they came with (0: the
// request itself), for the conversation to list each under its message.
type filesByMessage map[int64][]request.Attachment

// attachmentsOf groups the files of req that v may see.
func (s *Server) attachmentsOf(ctx context.Context, v request.Viewer, req request.Request) (filesByMessage, error) {
	list, err := s.Requests.Attachments(ctx, v, req)
	if err != nil {
		return nil, deskErr(err)
	}
	out := filesByMessage{}
	for _, a := range list {
		out[a.MessageID] = append(out[a.MessageID], a)
	}
	return out, nil
}

// uploadedFiles reads and checks the files of a multipart form (none for another form), before
// anything is written. A refused file is a validation error on "file" whose message names the
// file and, for one too large, the limit in words.
func (s *Server) uploadedFiles(p *Page, r *http.Request) ([]request.File, error) {
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			if errors.Is(err, http.ErrNotMultipart) {
				return nil, nil
			}
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, fileTooLarge(p, "")
			}
			return nil, fmt.Errorf("%w: %v", errBadUpload, err)
		}
	}
	headers := r.MultipartForm.File[filesField]
	var errs valid.Errors
	if len(headers) > request.MaxAttachmentsPerMessage {
		errs.Add("file", "attachments_too_many", "max", strconv.Itoa(request.MaxAttachmentsPerMessage))
		return nil, errs
	}
	var files []request.File
	for _, h := range headers {
		if h.Filename == "" && h.Size == 0 { // the empty input of a form sent without a file
			continue
		}
		if h.Size > request.MaxAttachmentSize {
			return nil, fileTooLarge(p, h.Filename)
		}
		fh, err := h.Open()
		if err != nil {
			return nil, err
		}
		f, err := request.ReadFile(h.Filename, fh)
		fh.Close()
		var tl *request.TooLargeError
		switch {
		case errors.As(err, &tl):
			return nil, fileTooLarge(p, tl.Name)
		case err != nil:
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// fileTooLarge is the form's error for a file over the limit, the limit said in words.
func fileTooLarge(p *Page, name string) valid.Errors {
	code := "attachment_too_large"
	if name == "" { // the whole form was over the limit: which file is not known
		code = "attachment_over_limit"
	}
	return valid.Errors{{Field: "file", Code: code,
		Params: map[string]string{"name": name, "max": i18n.Size(p.Lang, request.MaxAttachmentSize)}}}
}

// attachInfo is what the file input of a form shows and checks in the browser.
type attachInfo struct {
	MaxSize  int64
	MaxFiles int
	Accept   string
}

// Attach is the file input's limits, for the templates.
func (p *Page) Attach() attachInfo {
	return attachInfo{MaxSize: request.MaxAttachmentSize, MaxFiles: request.MaxAttachmentsPerMessage,
		Accept: "image/*,.heic,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.txt,.csv,.zip"}
}

// Size writes a file size in the page's language: "1,2 Mo".
func (p *Page) Size(n int64) string { return i18n.Size(p.Lang, n) }

// requestAttachment sends a file of a request to an agent who may see the request.
func (s *Server) requestAttachment(w http.ResponseWriter, r *http.Request) error {
	n, err := pathNumber(r)
	if err != nil {
		return err
	}
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	return s.sendAttachment(w, r, v, n)
}

// portalAttachment sends a file of one of the reader's own requests, or of a team's reply on a
// request they follow (portal_followed.go).
func (s *Server) portalAttachment(w http.ResponseWriter, r *http.Request) error {
	v, req, err := s.ownRequest(r)
	if errors.Is(err, errNotFound) && v.PersonID != 0 {
		return s.portalFollowedAttachment(w, r, v)
	}
	if err != nil {
		return err
	}
	return s.sendAttachment(w, r, v, req.Number)
}

// sendAttachment serves file {id} of request n to v: images shown, everything else saved, as
// the stored type and never sniffed. A file v may not see does not exist.
func (s *Server) sendAttachment(w http.ResponseWriter, r *http.Request, v request.Viewer, n int64) error {
	return s.serveAttachment(w, r, v, n, s.Requests.Attachment)
}

// serveAttachment serves file {id} of request n as fetch gives it to v (sendAttachment's rules).
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request, v request.Viewer, n int64,
	fetch func(ctx context.Context, v request.Viewer, number, id int64) (request.Attachment, []byte, error)) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, data, err := fetch(r.Context(), v, n, id)
	if errors.Is(err, request.ErrAttachmentNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	httpx.ServeDownload(w, r, httpx.Download{Name: a.Filename, ContentType: a.ContentType, SHA256: a.SHA256,
		ModTime: a.CreatedAt, Data: data, Inline: a.IsImage()})
	return nil
}
