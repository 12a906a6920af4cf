package mailin

import (
	"bytes"
	"errors"
	"net/mail"
	"strings"

	"majordome/internal/notify"
	"majordome/internal/request"
	"majordome/internal/valid"
)

type mailAddress = mail.Address

// files returns the files of m the desk accepts, and a note, in lang, of those it dropped: a
// type it refuses, a file too large or empty, one past the desk's count per message. A refused
// file never refuses the email.
func (s *Service) files(m *Message, lang string) ([]request.File, string) {
	var out []request.File
	var dropped []string
	for _, p := range m.Files {
		if len(out) == request.MaxAttachmentsPerMessage {
			dropped = append(dropped, s.I18n.T(lang, "mailin.dropped.too_many", "name", p.Name))
			continue
		}
		f, err := request.ReadFile(p.Name, bytes.NewReader(p.Data))
		if err != nil {
			var tooLarge *request.TooLargeError
			var verrs valid.Errors
			switch {
			case errors.As(err, &tooLarge):
				dropped = append(dropped, s.I18n.T(lang, "mailin.dropped.too_large", "name", p.Name))
			case errors.As(err, &verrs) && len(verrs) > 0 && verrs[0].Code == "attachment_empty":
				dropped = append(dropped, s.I18n.T(lang, "mailin.dropped.empty", "name", p.Name))
			default:
				dropped = append(dropped, s.I18n.T(lang, "mailin.dropped.type", "name", p.Name))
			}
			continue
		}
		out = append(out, f)
	}
	if len(dropped) == 0 {
		return out, ""
	}
	return out, s.I18n.T(lang, "mailin.dropped", "files", strings.Join(dropped, ", "))
}

// withNote appends the note of dropped files to a text.
func withNote(text, note string) string {
	if note == "" {
		return text
	}
	if text == "" {
		return note
	}
	return text + "\n\n" + note
}

// notifyNotification is a notification to the admin account userID.
func notifyNotification(userID int64, kind string, params map[string]string) notify.Notification {
	return notify.Notification{UserID: userID, Kind: kind, Params: params, Link: "/settings/mail", Urgent: false}
}
