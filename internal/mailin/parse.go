package mailin

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"
	"github.com/jhillyerd/enmime/v2/dsn"
	"golang.org/x/text/encoding/charmap"
)

// Message is an email as the channel reads it: headers decoded, text in UTF-8 whatever the
// charset it came in, files separated from the text.
type Message struct {
	MessageID  string   // with its angle brackets, "" when the email has none
	InReplyTo  []string // Message-IDs, with their angle brackets
	References []string
	From       mail.Address // Address in lower case
	To         []string     // the addresses of To, Cc and Delivered-To, lower case
	Subject    string
	Text       string // the text part, or the HTML part turned into text
	HTMLOnly   bool   // the email had no text part
	Files      []Part // attachments and inline images, in order

	env    *enmime.Envelope
	report *dsn.Report // a delivery status notification (multipart/report), nil otherwise
}

// Part is a file carried by an email.
type Part struct {
	Name        string
	ContentType string // as the email claims it; the desk sniffs its own
	Data        []byte
	Inline      bool
}

// Header returns the first value of header name, decoded.
func (m *Message) Header(name string) string { return strings.TrimSpace(m.env.GetHeader(name)) }

// parser trusts the charset an email declares: detection guesses wrong on short French texts
// (ISO-8859-15 read as ISO-8859-1, the euro sign lost). It still guesses for a part that
// declares none.
var parser = enmime.NewParser(enmime.MaxStoredPartErrors(20), enmime.DisableCharacterDetection(true))

// Parse reads a raw email. Only an email without any header is an error: a damaged part is
// skipped, a wrong charset read as best it can.
func Parse(raw []byte) (*Message, error) {
	env, err := parser.ReadEnvelope(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("mailin: parse: %w", err)
	}
	m := &Message{env: env}
	m.MessageID = firstID(env.GetHeader("Message-Id"))
	m.InReplyTo = ids(env.GetHeader("In-Reply-To"))
	m.References = ids(strings.Join(env.GetHeaderValues("References"), " "))
	if from, err := env.AddressList("From"); err == nil && len(from) > 0 {
		m.From = mail.Address{Name: cleanLine(from[0].Name), Address: strings.ToLower(from[0].Address)}
	} else if a := bareAddress(env.GetHeader("From")); a != "" {
		m.From = mail.Address{Address: a}
	}
	for _, h := range []string{"To", "Cc", "Delivered-To", "X-Original-To"} {
		for _, v := range env.GetHeaderValues(h) {
			if list, err := mail.ParseAddressList(v); err == nil {
				for _, a := range list {
					m.To = append(m.To, strings.ToLower(a.Address))
				}
			} else if a := bareAddress(v); a != "" {
				m.To = append(m.To, a)
			}
		}
	}
	m.Subject = cleanLine(env.GetHeader("Subject"))
	m.Text = cleanText(env.Text)
	m.HTMLOnly = env.HTML != "" && !hasTextPart(env.Root)
	for _, p := range append(append(append([]*enmime.Part{}, env.Attachments...), env.Inlines...), env.OtherParts...) {
		if len(p.Content) == 0 || strings.HasPrefix(p.ContentType, "multipart/") || p.ContentType == "message/delivery-status" {
			continue
		}
		if p.FileName == "" && !strings.HasPrefix(p.ContentType, "image/") {
			continue // a report's machine part, a calendar invitation's twin…
		}
		m.Files = append(m.Files, Part{Name: partName(p), ContentType: p.ContentType, Data: p.Content,
			Inline: p.Disposition != "attachment"})
	}
	if env.Root != nil && env.Root.ContentType == "multipart/report" {
		m.report, _ = dsn.ParseReport(env.Root) // a broken report is still a bounce, read as one below
	}
	return m, nil
}

// hasTextPart reports whether the email has a text/plain body (not an attached .txt file).
func hasTextPart(root *enmime.Part) bool {
	if root == nil {
		return false
	}
	if root.FirstChild == nil {
		return root.ContentType == "text/plain" || root.ContentType == ""
	}
	return root.DepthMatchFirst(func(p *enmime.Part) bool {
		return p.ContentType == "text/plain" && p.Disposition != "attachment"
	}) != nil
}

// partName is the file name of p, or one made from its type ("image-2.png") when it has none:
// an inline image often comes without.
func partName(p *enmime.Part) string {
	if n := strings.TrimSpace(p.FileName); n != "" {
		return n
	}
	ext := ".bin"
	if _, sub, ok := strings.Cut(p.ContentType, "/"); ok && sub != "" {
		ext = "." + strings.TrimPrefix(strings.ToLower(sub), "x-")
		if ext == ".jpeg" {
			ext = ".jpg"
		}
	}
	return "image-" + strings.ReplaceAll(p.PartID, ".", "-") + ext
}

var idRe = regexp.MustCompile(`<[^<>\s]+>`)

// ids returns the Message-IDs in a header such as References, in order.
func ids(v string) []string { return idRe.FindAllString(v, -1) }

// firstID returns the Message-ID of a Message-ID header, with its angle brackets, or "".
func firstID(v string) string {
	if id := idRe.FindString(v); id != "" {
		return id
	}
	v = strings.TrimSpace(v)
	if v == "" || strings.ContainsAny(v, " \t<>") {
		return ""
	}
	return "<" + v + ">" // some clients forget the brackets
}

// bareAddress extracts an address from a header value net/mail refuses (a name with a
// stray comma, unbalanced quotes…).
func bareAddress(v string) string {
	if i, j := strings.LastIndex(v, "<"), strings.LastIndex(v, ">"); i >= 0 && j > i {
		v = v[i+1 : j]
	}
	v = strings.ToLower(strings.TrimSpace(v))
	if strings.Count(v, "@") != 1 || strings.ContainsAny(v, " \t,;") {
		return ""
	}
	return v
}

// cleanText normalizes line ends and drops the control characters some clients leave (a
// zero-width space in Outlook signatures, a BOM), keeping tabs and new lines.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\u00a0':
			return ' '
		case r >= 0x80 && r <= 0x9f:
			return c1(r)
		case r == '\ufeff' || r == '\u200b' || unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// c1 reads a C1 control character as the Windows-1252 character of the same byte, as browsers
// do: Outlook and older clients declare ISO-8859-1 and write Windows-1252 (’ … € œ).
func c1(r rune) rune {
	if w := charmap.Windows1252.DecodeByte(byte(r)); w != utf8.RuneError && w != r {
		return w
	}
	return -1
}

// cleanLine is cleanText for a header value.
func cleanLine(s string) string { return strings.Join(strings.Fields(cleanText(s)), " ") }

// DedupKey is what makes an email the same email when it comes again: its Message-ID, or the
// hash of its bytes when it has none.
func DedupKey(messageID string, raw []byte) string {
	if messageID != "" {
		return messageID
	}
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// replyPrefix matches the prefixes mail clients put before a subject they answer or forward,
// in the languages of the desk: Re:, RE :, TR:, Fwd:, Fw:, AW:, WG:, Réf. :…
var replyPrefix = regexp.MustCompile(`(?i)^\s*((re|r[ée]f\.?|tr|fwd?|aw|wg|sv|antw)\s*(\[\d+\])?\s*:\s*)+`)

// subjectTagRe is the [#1042] tag of our subjects.
var subjectTagRe = regexp.MustCompile(`\s*\[#\d{1,18}\]\s*`)

// CleanSubject returns a subject as a request's title: without Re:/TR:/Fwd: and without our
// [#1042] tag.
func CleanSubject(s string) string {
	for {
		t := replyPrefix.ReplaceAllString(s, "")
		t = subjectTagRe.ReplaceAllString(t, " ")
		t = strings.Join(strings.Fields(t), " ")
		if t == s {
			return t
		}
		s = t
	}
}
