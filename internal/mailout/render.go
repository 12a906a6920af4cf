package mailout

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	gomail "github.com/wneessen/go-mail"
)

//go:embed templates
var templatesFS embed.FS

var (
	htmlTmpl = htmltemplate.Must(htmltemplate.ParseFS(templatesFS, "templates/mail.html"))
	textTmpl = texttemplate.Must(texttemplate.ParseFS(templatesFS, "templates/mail.txt"))
)

// outMail is one email to render: who it goes to, what it says, how it threads.
type outMail struct {
	Key      string // the send's identity in the outbox: "reply:57", "notify:123"…
	Number   int64  // the request it belongs to, 0 for none: threads it
	Suffix   string // makes its Message-ID unique within the thread
	To       string
	ToName   string
	FromName string // the display name of the desk's address
	ReplyTo  bool   // Reply-To: the request's plus-address, so a reply lands on the request
	Auto     bool   // Auto-Submitted: auto-generated (notifications, digests, links)
	// AutoReply answers someone's email automatically (Auto-Submitted: auto-replied, RFC 3834),
	// in reply to their Message-ID.
	AutoReply string
	Subject   string
	Content   content
	Files     []file
	// InReplyTo are the Message-IDs of the requester's own emails on the request, oldest first.
	InReplyTo []string
}

// file is an attachment.
type file struct {
	Name        string
	ContentType string
	Data        []byte
}

// content is what the text and HTML templates write, in the recipient's language.
type content struct {
	Lang        string
	Subject     string
	Greeting    string
	Intro       []string
	BodyText    string
	BodyHTML    htmltemplate.HTML
	Items       []item
	ActionLabel string
	ActionURL   string
	ActionLine  string
	Notes       []string
	Footer      string
}

// item is one line of a list (a digest).
type item struct {
	Title, Body, URL string
}

// randomSuffix is a Message-ID part nobody can guess or repeat.
func randomSuffix() string {
	b := make([]byte, 9)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// render writes m as a whole message, multipart text and HTML (and its files), and returns
// its Message-ID.
func (s *Service) render(st Settings, m outMail) (string, []byte, error) {
	domain := st.Domain()
	suffix := m.Suffix
	if suffix == "" {
		suffix = randomSuffix()
	}
	var id string
	if m.Number != 0 {
		id = MessageID(m.Number, suffix, domain)
	} else {
		id = fmt.Sprintf("<%s@%s>", suffix, domain)
	}
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	fromName := m.FromName
	if fromName == "" {
		fromName = s.cat.T(m.Content.Lang, "mailout.from_name")
	}
	if err := msg.FromFormat(fromName, st.Address); err != nil {
		return "", nil, fmt.Errorf("mailout: from %s: %w", st.Address, err)
	}
	if err := msg.AddToFormat(m.ToName, m.To); err != nil {
		return "", nil, fmt.Errorf("mailout: to %s: %w", m.To, err)
	}
	if m.ReplyTo && m.Number != 0 {
		if err := msg.ReplyToFormat(fromName, ReplyAddress(st.Address, m.Number)); err != nil {
			return "", nil, err
		}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(strings.Trim(id, "<>"))
	msg.SetDateWithValue(s.now().In(paris))
	msg.SetGenHeaderPreformatted("Content-Language", m.Content.Lang)
	if m.Number != 0 {
		root := RootMessageID(m.Number, domain)
		refs := append([]string{root}, m.InReplyTo...)
		inReplyTo := root
		if n := len(m.InReplyTo); n > 0 {
			inReplyTo = m.InReplyTo[n-1]
		}
		msg.SetGenHeaderPreformatted(gomail.HeaderInReplyTo, inReplyTo)
		msg.SetGenHeaderPreformatted(gomail.HeaderReferences, strings.Join(refs, "\r\n "))
	}
	switch {
	case m.AutoReply != "":
		msg.SetGenHeaderPreformatted("Auto-Submitted", "auto-replied")
		id := "<" + strings.Trim(m.AutoReply, "<> ") + ">"
		msg.SetGenHeaderPreformatted(gomail.HeaderInReplyTo, id)
		msg.SetGenHeaderPreformatted(gomail.HeaderReferences, id)
	case m.Auto:
		msg.SetGenHeaderPreformatted("Auto-Submitted", "auto-generated")
	}
	msg.SetGenHeaderPreformatted(gomail.HeaderXAutoResponseSuppress, "All")
	msg.SetUserAgent("Majordome")

	c := m.Content
	c.Subject = m.Subject
	var text, html bytes.Buffer
	if err := textTmpl.ExecuteTemplate(&text, "mail.txt", c); err != nil {
		return "", nil, fmt.Errorf("mailout: text of %s: %w", m.Key, err)
	}
	if err := htmlTmpl.ExecuteTemplate(&html, "mail.html", c); err != nil {
		return "", nil, fmt.Errorf("mailout: HTML of %s: %w", m.Key, err)
	}
	msg.SetBodyString(gomail.TypeTextPlain, text.String())
	msg.AddAlternativeString(gomail.TypeTextHTML, html.String())
	for _, f := range m.Files {
		opts := []gomail.FileOption{gomail.WithFileName(f.Name)}
		if f.ContentType != "" {
			opts = append(opts, gomail.WithFileContentType(gomail.ContentType(f.ContentType)))
		}
		if err := msg.AttachReader(f.Name, bytes.NewReader(f.Data), opts...); err != nil {
			return "", nil, fmt.Errorf("mailout: attach %s: %w", f.Name, err)
		}
	}
	var raw bytes.Buffer
	if _, err := msg.WriteTo(&raw); err != nil {
		return "", nil, fmt.Errorf("mailout: write %s: %w", m.Key, err)
	}
	return id, raw.Bytes(), nil
}

var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// requestSubject is the subject of every email of request number's thread: "Re: title [#1042]".
func requestSubject(number int64, title string) string {
	return "Re: " + title + " " + SubjectTag(number)
}

// link is the absolute URL of a path of the app.
func (s *Service) link(path string) string {
	if path == "" {
		return ""
	}
	return s.baseURL + path
}

// frame fills the parts every email has: the footer, the action's line of text.
func (s *Service) frame(c content) content {
	if c.Footer == "" {
		c.Footer = s.cat.T(c.Lang, "mailout.footer")
	}
	if c.ActionURL != "" {
		c.ActionLine = s.cat.T(c.Lang, "mailout.action_line", "label", c.ActionLabel, "url", c.ActionURL)
	}
	return c
}
