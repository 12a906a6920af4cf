package request

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"majordome/internal/audit"
	"majordome/internal/valid"
)

// Limits of attachments. A photo of a leak, a scanned invoice or a spreadsheet fits in 10 MiB;
// five files are plenty for one message. The web's upload body limit is derived from these.
const (
	MaxAttachmentSize        = 10 << 20 // bytes per file
	MaxAttachmentsPerMessage = 5        // per message, and for the request's own files
	maxFilename              = 200      // characters, the extension kept when cut
)

// Attachment is a file attached to a request: to one of its messages, or (MessageID 0) to the
// request itself, as filed.
type Attachment struct {
	ID               int64
	RequestID        int64
	MessageID        int64 // 0: attached to the request itself
	Filename         string
	ContentType      string // sniffed from the bytes, never as claimed by the sender
	Size             int64
	SHA256           string // hex
	UploaderUserID   int64
	UploaderPersonID int64
	UploaderName     string
	CreatedAt        time.Time
}

// IsImage reports whether the file is an image a browser shows (HEIC photos are not).
func (a Attachment) IsImage() bool {
	switch a.ContentType {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp":
		return true
	}
	return false
}

// File is an upload read and checked, ready to attach: ReadFile makes one before anything is
// written, so a wrong file refuses the whole message.
type File struct {
	Name        string
	ContentType string
	Data        []byte
	SHA256      string
}

// TooLargeError is a file over MaxAttachmentSize. Limit is in bytes; each edge says it in words.
type TooLargeError struct {
	Name  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("request: attachment %q is over the limit of %d bytes", e.Name, e.Limit)
}

// ErrAttachmentNotFound is an attachment that does not exist, belongs to another request, or
// may not be seen by who asks: they cannot tell which.
var ErrAttachmentNotFound = errors.New("request: attachment not found")

// zipOffice and oleOffice are the content types stored for office documents, by extension: to
// http.DetectContentType a .docx is a zip and a .doc is unknown (an OLE container), as it
// cannot tell more from the first bytes.
var (
	zipOffice = map[string]string{
		".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
		".odt":  "application/vnd.oasis.opendocument.text",
		".ods":  "application/vnd.oasis.opendocument.spreadsheet",
		".odp":  "application/vnd.oasis.opendocument.presentation",
	}
	oleOffice = map[string]string{
		".doc": "application/msword",
		".xls": "application/vnd.ms-excel",
		".ppt": "application/vnd.ms-powerpoint",
	}
)

// oleMagic starts the files of Office 97–2003 (.doc, .xls, .ppt).
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// sniff returns the content type of a file from its first bytes, refined by its extension
// where the bytes alone cannot say (office documents, CSV), or "" when the file is not of an
// accepted kind: images, PDF, office documents, text, CSV and zip archives. HTML, SVG with an
// XML declaration, executables and everything unknown are refused.
func sniff(name string, data []byte) string {
	ext := strings.ToLower(path.Ext(name))
	ct := http.DetectContentType(data)
	mt, _, _ := strings.Cut(ct, ";")
	switch mt {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "application/pdf":
		return mt
	case "application/zip":
		if t, ok := zipOffice[ext]; ok {
			return t
		}
		return mt
	case "text/plain":
		if ext == ".csv" {
			return "text/csv; charset=utf-8"
		}
		return ct
	case "application/octet-stream":
		if t, ok := oleOffice[ext]; ok && bytes.HasPrefix(data, oleMagic) {
			return t
		}
		if len(data) >= 12 && string(data[4:8]) == "ftyp" {
			switch string(data[8:12]) {
			case "heic", "heix", "mif1", "msf1":
				return "image/heic" // iPhone photos
			}
		}
	}
	return ""
}

// ReadFile reads the upload name from r, stopping one byte past MaxAttachmentSize, and checks
// it: a *TooLargeError past the limit, a validation error on "file" for an empty file or one
// of a kind not accepted.
func ReadFile(name string, r io.Reader) (File, error) {
	name = cleanFilename(name)
	data, err := io.ReadAll(io.LimitReader(r, MaxAttachmentSize+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) { // the body around the file was cut first
			return File{}, &TooLargeError{Name: name, Limit: MaxAttachmentSize}
		}
		return File{}, fmt.Errorf("request: read attachment: %w", err)
	}
	if len(data) > MaxAttachmentSize {
		return File{}, &TooLargeError{Name: name, Limit: MaxAttachmentSize}
	}
	if len(data) == 0 {
		return File{}, valid.Errors{{Field: "file", Code: "attachment_empty", Params: map[string]string{"name": name}}}
	}
	ct := sniff(name, data)
	if ct == "" {
		return File{}, valid.Errors{{Field: "file", Code: "attachment_type", Params: map[string]string{"name": name}}}
	}
	sum := sha256.Sum256(data)
	return File{Name: name, ContentType: ct, Data: data, SHA256: hex.EncodeToString(sum[:])}, nil
}

// cleanFilename keeps the last element of what a browser sent ("C:\fakepath\devis.pdf" →
// "devis.pdf"), without control characters, cut to maxFilename characters with its extension.
func cleanFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name))
	if name == "" || name == "." || name == ".." {
		return "fichier"
	}
	if utf8.RuneCountInString(name) > maxFilename {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 20 {
			ext = ""
		}
		base := []rune(strings.TrimSuffix(name, ext))
		name = string(base[:maxFilename-utf8.RuneCountInString(ext)]) + ext
	}
	return name
}

// Attach reads a file from r and attaches it to request number, on its message messageID (0:
// on the request itself), for v. The limits are checked while reading, before anything is
// written; v must see the request, and an internal note's files are for agents only.
func (k *Desk) Attach(ctx context.Context, v Viewer, number, messageID int64, name string, r io.Reader) (Attachment, error) {
	f, err := ReadFile(name, r)
	if err != nil {
		return Attachment{}, err
	}
	return k.AttachFile(ctx, v, number, messageID, f)
}

// AttachFile is Attach for a file already read with ReadFile.
func (k *Desk) AttachFile(ctx context.Context, v Viewer, number, messageID int64, f File) (Attachment, error) {
	var out []Attachment
	err := k.db.Tx(ctx, func(tx *sql.Tx) error {
		req, err := k.get(ctx, tx, number)
		if err != nil {
			return err
		}
		if !v.CanSee(req) {
			return ErrNotFound
		}
		if req.Status == StatusClosed {
			return ErrClosed
		}
		if messageID != 0 {
			var internal bool
			err := tx.QueryRowContext(ctx, k.q.Get("attachment-message"), messageID, req.ID).Scan(&internal)
			if isNoRows(err) || (err == nil && internal && !v.IsAgent()) {
				return valid.Errors{{Field: "message_id", Code: "attachment_message_unknown"}}
			}
			if err != nil {
				return fmt.Errorf("request: attach to #%d: %w", number, err)
			}
		}
		out, err = k.storeFiles(ctx, tx, req, messageID, v, []File{f})
		return err
	})
	if err != nil {
		return Attachment{}, err
	}
	return out[0], nil
}

// ReplyWithFiles is Reply with files attached to the message, in one transaction: a file the
// desk refuses refuses the message too. With files, the text may be empty.
func (k *Desk) ReplyWithFiles(ctx context.Context, v Viewer, number int64, body string, internal bool, channel Channel, files []File) (Message, error) {
	if len(files) == 0 {
		return k.Reply(ctx, v, number, body, internal, channel)
	}
	var m Message
	body = strings.TrimSpace(body)
	var errs valid.Errors
	errs.MaxLen("body", body, maxBody)
	checkFileCount(&errs, len(files))
	if err := errs.Err(); err != nil {
		return m, err
	}
	if internal && !v.IsAgent() {
		return m, ErrForbidden
	}
	err := k.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := k.get(ctx, tx, number)
		if err != nil {
			return err
		}
		if !v.CanSee(r) {
			return ErrNotFound
		}
		if m, err = k.reply(ctx, tx, v, r, body, internal, channel); err != nil {
			return err
		}
		_, err = k.storeFiles(ctx, tx, r, m.ID, v, files)
		return err
	})
	return m, err
}

// checkFileCount refuses more than MaxAttachmentsPerMessage files at once.
func checkFileCount(errs *valid.Errors, n int) {
	if n > MaxAttachmentsPerMessage {
		errs.Add("file", "attachments_too_many", "max", fmt.Sprint(MaxAttachmentsPerMessage))
	}
}

// storeFiles writes files on r (on its message messageID, 0 for the request itself) within
// tx, each with an audit entry, after checking the per-message count with those already there.
func (k *Desk) storeFiles(ctx context.Context, tx *sql.Tx, r Request, messageID int64, by Viewer, files []File) ([]Attachment, error) {
	if len(files) == 0 {
		return nil, nil
	}
	var msg *int64
	if messageID != 0 {
		msg = &messageID
	}
	var have int
	if err := tx.QueryRowContext(ctx, k.q.Get("attachment-count"), r.ID, messageID).Scan(&have); err != nil {
		return nil, fmt.Errorf("request: attachments of #%d: %w", r.Number, err)
	}
	var errs valid.Errors
	checkFileCount(&errs, have+len(files))
	if err := errs.Err(); err != nil {
		return nil, err
	}
	var userID, personID *int64
	if by.UserID != 0 {
		userID = &by.UserID
	}
	if by.PersonID != 0 {
		personID = &by.PersonID
	}
	name := by.Name
	if name == "" {
		name = audit.ActorFrom(ctx).Name
	}
	now := k.now()
	out := make([]Attachment, 0, len(files))
	for _, f := range files {
		a := Attachment{RequestID: r.ID, MessageID: messageID, Filename: f.Name, ContentType: f.ContentType,
			Size: int64(len(f.Data)), SHA256: f.SHA256, UploaderUserID: by.UserID, UploaderPersonID: by.PersonID,
			UploaderName: name, CreatedAt: now}
		if err := tx.QueryRowContext(ctx, k.q.Get("attachment-insert"), r.ID, msg, a.Filename, a.ContentType, a.Size,
			a.SHA256, f.Data, userID, personID, name, now).Scan(&a.ID); err != nil {
			return nil, fmt.Errorf("request: attach to #%d: %w", r.Number, err)
		}
		if err := k.audit.Record(ctx, tx, audit.Change{Action: "request.attach", EntityType: "request", EntityID: r.ID,
			EntityName: r.Ref(), After: map[string]any{"attachment_id": a.ID, "filename": a.Filename,
				"content_type": a.ContentType, "size": a.Size, "message_id": messageID}}); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// Attachments lists the files of r that v may see, oldest first: none when v may not see r,
// and those of internal notes only for agents.
func (k *Desk) Attachments(ctx context.Context, v Viewer, r Request) ([]Attachment, error) {
	if !v.CanSee(r) {
		return nil, ErrNotFound
	}
	return k.attachments(ctx, k.db.R, r, v.IsAgent(), nil)
}

// attachments lists r's files, those of internal notes too when notes is set, keeping those keep
// accepts (nil: all), oldest first.
func (k *Desk) attachments(ctx context.Context, q queryer, r Request, notes bool, keep func(Attachment) bool) ([]Attachment, error) {
	rows, err := q.QueryContext(ctx, k.q.Get("attachments"), r.ID, notes)
	if err != nil {
		return nil, fmt.Errorf("request: attachments of #%d: %w", r.Number, err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, fmt.Errorf("request: attachments of #%d: %w", r.Number, err)
		}
		if keep == nil || keep(a) {
			out = append(out, a)
		}
	}
	return out, rows.Err()
}

// Attachment returns file id of request number with its bytes, for v. A file of a request v
// may not see, of another request, or of an internal note when v is not an agent, is
// ErrAttachmentNotFound, exactly as one that does not exist. Reading a confidential request's
// file is audited, as reading the request is.
func (k *Desk) Attachment(ctx context.Context, v Viewer, number, id int64) (Attachment, []byte, error) {
	r, err := k.get(ctx, k.db.R, number)
	if errors.Is(err, ErrNotFound) || (err == nil && !v.CanSee(r)) {
		return Attachment{}, nil, ErrAttachmentNotFound
	}
	if err != nil {
		return Attachment{}, nil, err
	}
	var data []byte
	var internal bool
	row := k.db.R.QueryRowContext(ctx, k.q.Get("attachment-get"), id, r.ID)
	a, err := scanAttachment(row, &data, &internal)
	if isNoRows(err) || (err == nil && internal && !v.IsAgent()) {
		return Attachment{}, nil, ErrAttachmentNotFound
	}
	if err != nil {
		return Attachment{}, nil, fmt.Errorf("request: attachment %d: %w", id, err)
	}
	if err := k.auditFileRead(ctx, r, a, nil); err != nil {
		return Attachment{}, nil, err
	}
	return a, data, nil
}

// scanAttachment reads the columns every attachment query starts with, then extra ones.
func scanAttachment(sc interface{ Scan(...any) error }, extra ...any) (Attachment, error) {
	var a Attachment
	var msg, user, person sql.NullInt64
	dest := append([]any{&a.ID, &a.RequestID, &msg, &a.Filename, &a.ContentType, &a.Size, &a.SHA256,
		&user, &person, &a.UploaderName, &a.CreatedAt}, extra...)
	err := sc.Scan(dest...)
	a.MessageID, a.UploaderUserID, a.UploaderPersonID = msg.Int64, user.Int64, person.Int64
	return a, err
}

// auditFileRead records the reading of a confidential request's file, as reading the request
// is; extra adds to what the entry says (who read it as what). Other requests' files are not
// audited.
func (k *Desk) auditFileRead(ctx context.Context, r Request, a Attachment, extra map[string]any) error {
	if !r.Confidential {
		return nil
	}
	after := map[string]any{"attachment_id": a.ID, "filename": a.Filename}
	maps.Copy(after, extra)
	return k.db.Tx(ctx, func(tx *sql.Tx) error {
		return k.audit.Record(ctx, tx, audit.Change{Action: "request.attachment_read", EntityType: "request",
			EntityID: r.ID, EntityName: r.Ref(), After: after})
	})
}
