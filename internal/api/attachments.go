package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"majordome/internal/httpx"
	"majordome/internal/i18n"
	"majordome/internal/request"
)

// maxAttachmentBody bounds an upload: one file at the desk's limit, and the multipart framing.
const maxAttachmentBody = request.MaxAttachmentSize + 64<<10

// attachmentJSON is a file attached to a request.
type attachmentJSON struct {
	ID          int64      `json:"id"`
	Filename    string     `json:"filename"`
	ContentType string     `json:"content_type"`
	Size        int64      `json:"size"`
	SHA256      string     `json:"sha256"`
	MessageID   *int64     `json:"message_id"` // null: attached to the request itself
	Uploader    authorJSON `json:"uploader"`
	URL         string     `json:"url"`
	CreatedAt   string     `json:"created_at"`
}

func attachmentOut(number int64) func(request.Attachment) attachmentJSON {
	return func(a request.Attachment) attachmentJSON {
		out := attachmentJSON{ID: a.ID, Filename: a.Filename, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256,
			Uploader: authorJSON{Name: a.UploaderName}, URL: attachmentURL(number, a.ID), CreatedAt: utc(a.CreatedAt)}
		if a.MessageID != 0 {
			out.MessageID = &a.MessageID
		}
		return out
	}
}

func attachmentURL(number, id int64) string {
	return fmt.Sprintf("/api/v1/requests/%d/attachments/%d", number, id)
}

// attachmentCreate answers POST /api/v1/requests/{number}/attachments: one file, sent as
// multipart/form-data in the field "file", attached to the request or, with "message_id", to
// one of its messages. The size is checked while reading: past the limit the answer is 413,
// naming it.
func (s *server) attachmentCreate(w http.ResponseWriter, r *http.Request) error {
	number, err := pathNumber(r)
	if err != nil {
		return err
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return &problemError{Problem: httpx.Problem{Status: http.StatusUnsupportedMediaType,
			Detail: "Send the file as multipart/form-data, in the field \"file\"."}}
	}
	if r.ContentLength > maxAttachmentBody {
		return s.tooLarge(r)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAttachmentBody)
	var (
		file      *request.File
		messageID int64
	)
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return s.uploadErr(r, err)
		}
		switch name := part.FormName(); name {
		case "file":
			if file != nil {
				return invalidBody("Send one file per request, in the field \"file\".")
			}
			f, err := request.ReadFile(part.FileName(), part)
			if err != nil {
				return s.uploadErr(r, err)
			}
			file = &f
		case "message_id":
			b, err := io.ReadAll(io.LimitReader(part, 32))
			if err != nil {
				return s.uploadErr(r, err)
			}
			if messageID, err = strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err != nil || messageID <= 0 {
				return &badRequestError{typ: typeInvalidBody, detail: "message_id must be the id of a message of this request.",
					fields: []fieldError{{Field: "message_id", Code: "type_invalid", Params: map[string]string{"type": "integer"}}}}
			}
		default:
			return &badRequestError{typ: typeInvalidBody, fields: []fieldError{{Field: name, Code: "unknown_field"}},
				detail: fmt.Sprintf("Unknown field: %s. The fields are: file, message_id.", name)}
		}
		part.Close()
	}
	if file == nil {
		return &badRequestError{typ: typeInvalidBody, detail: "The body has no file: send it in the field \"file\".",
			fields: []fieldError{{Field: "file", Code: "required"}}}
	}
	a, err := s.Requests.AttachFile(r.Context(), viewer(r), number, messageID, *file)
	if err != nil {
		return err
	}
	w.Header().Set("Location", attachmentURL(number, a.ID))
	httpx.WriteJSON(w, http.StatusCreated, attachmentOut(number)(a))
	return nil
}

// uploadErr explains a failure while reading an upload: over the limit is a 413.
func (s *server) uploadErr(r *http.Request, err error) error {
	var (
		tl  *request.TooLargeError
		mbe *http.MaxBytesError
	)
	if errors.As(err, &tl) || errors.As(err, &mbe) {
		return s.tooLarge(r)
	}
	if strings.HasPrefix(err.Error(), "multipart:") || errors.Is(err, io.ErrUnexpectedEOF) {
		return invalidBody("The multipart body could not be read: " + err.Error() + ".")
	}
	return err
}

// tooLarge is the 413 of a file over the desk's limit, the limit named for developers in the
// detail and for people in the caller's language ("La pièce jointe dépasse la limite de 10 Mo").
func (s *server) tooLarge(r *http.Request) error {
	l := lang(r)
	return &problemError{Problem: httpx.Problem{Status: http.StatusRequestEntityTooLarge,
		Detail: fmt.Sprintf("The attachment is over the limit of %d MiB (%d bytes).", request.MaxAttachmentSize>>20, request.MaxAttachmentSize),
		Errors: []httpx.ProblemField{{Field: "file", Code: "attachment_over_limit",
			Message: s.I18n.T(l, "error.attachment_over_limit", "max", i18n.Size(l, request.MaxAttachmentSize))}}}}
}

// attachmentList answers GET /api/v1/requests/{number}/attachments: the files of the request
// and of its messages, oldest first; those of internal notes for agent and admin tokens only.
func (s *server) attachmentList(w http.ResponseWriter, r *http.Request) error {
	number, err := pathNumber(r)
	if err != nil {
		return err
	}
	v := viewer(r)
	req, err := s.Requests.Get(r.Context(), v, number)
	if err != nil {
		return err
	}
	list, err := s.Requests.Attachments(r.Context(), v, req)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newPage(list, "", attachmentOut(number)))
	return nil
}

// attachmentGet answers GET /api/v1/requests/{number}/attachments/{id}: the file itself, with
// its stored type, never to be sniffed, as an attachment.
func (s *server) attachmentGet(w http.ResponseWriter, r *http.Request) error {
	number, err := pathNumber(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return attachmentNotFound()
	}
	a, data, err := s.Requests.Attachment(r.Context(), viewer(r), number, id)
	if errors.Is(err, request.ErrAttachmentNotFound) {
		return attachmentNotFound()
	}
	if err != nil {
		return err
	}
	httpx.ServeDownload(w, r, httpx.Download{Name: a.Filename, ContentType: a.ContentType, SHA256: a.SHA256,
		ModTime: a.CreatedAt, Data: data})
	return nil
}

// attachmentNotFound is the same answer whether the file, or its request, does not exist or
// the token may not see it.
func attachmentNotFound() error {
	return notFound("No attachment has this id in this request, or this token may not see it.")
}
