package mailin

import (
	"regexp"
	"strings"
)

// Quoted history and signatures. A reply by email carries, under the new text, the whole
// conversation the mail client quoted, and the sender's signature; the request already has
// the conversation, so only the new text becomes the message (the email stays viewable whole).
//
// No well-kept Go library does this in French: the ports of GitHub's email_reply_parser
// (recapco/emailreplyparser, Teamwork/mailstrip) stopped in 2015–2016 and know English only;
// dimiro1/reply (a port of Discourse's trimmer, French included) is unmaintained since 2020
// and its maintained fork, code.forgejo.org/forgejo/reply, is not served by the Go module
// proxy. The rules below are the few the desk's mail clients need, each tested on a real
// message shape in testdata/.

var (
	// attribution is the line a client writes above the quote: Gmail's "Le lun. 4 mai 2026 à
	// 10:02, X <x@y> a écrit :" and "On Mon, May 4, 2026 at 10:02 AM X <x@y> wrote:", Apple
	// Mail's "Le 4 mai 2026 à 10:02, X a écrit :" and "On 4 May 2026, at 10:02, X wrote:".
	attribution = regexp.MustCompile(`(?i)^\s*(le|on)\s.{4,}(a\s+écrit|wrote)\s*:?\s*$`)
	// attributionStart is the first line of an attribution a client wrapped over two lines.
	attributionStart = regexp.MustCompile(`(?i)^\s*(le|on)\s.*\d.*$`)
	attributionEnd   = regexp.MustCompile(`(?i)^\s*(.*\s)?(a\s+)?(écrit|wrote)\s*:\s*$`)

	// outlookFrom starts Outlook's header block: "De : X", "From: X", bold in HTML mail
	// turned into text ("*De :* X").
	outlookFrom = regexp.MustCompile(`(?i)^\s*\*?(de|from)\s*:\*?\s*\S`)
	// outlookNext is one of the lines that follow it: Envoyé, Sent, Date, À, To, Objet, Subject.
	outlookNext = regexp.MustCompile(`(?i)^\s*\*?(envoyé|sent|date|à|to|objet|subject|cc)\s*:\*?`)

	// separator is a line that ends the new text: Outlook's "-----Original Message-----" and
	// "-----Message d'origine-----", Thunderbird's "-------- Message original --------", and
	// the underscore rule Outlook puts above its header block.
	separator = regexp.MustCompile(`(?i)^\s*(-{2,}\s*(original message|message d'origine|message original|mensaje original)\s*-{2,}|_{10,})\s*$`)

	// mobileSignature is what phones add under the text.
	mobileSignature = regexp.MustCompile(`(?i)^\s*(envoyé (de|depuis|à partir de) (mon|ma|outlook|yahoo|l'application)|sent from (my|outlook|mail for|yahoo)|get outlook for|obtenir outlook pour|téléchargez outlook pour)`)
)

// StripReply returns the new text of a reply: the lines above the quoted history (an
// attribution line, Outlook's header block or separator), without "> " quoted lines and
// without the signature ("-- " and the mobile ones). When nothing would be left (a reply
// written inside the quote), it returns the text whole rather than lose it.
func StripReply(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	end := len(lines)
	for i := 0; i < len(lines); i++ {
		if quoteStarts(lines, i) {
			end = i
			break
		}
	}
	for end > 0 && isRule(lines[end-1]) { // the <hr> above a quote, once HTML is text
		end--
	}
	var out []string
	for _, l := range lines[:end] {
		if strings.HasPrefix(strings.TrimLeft(l, " "), ">") {
			continue
		}
		out = append(out, strings.TrimRight(l, " \t"))
	}
	s := strings.TrimSpace(strings.Join(out, "\n"))
	s = collapseBlankLines(s)
	if s == "" {
		return strings.TrimSpace(text)
	}
	return s
}

// quoteStarts reports whether the quoted history or the signature starts at line i.
func quoteStarts(lines []string, i int) bool {
	l := lines[i]
	t := strings.TrimSpace(l)
	switch {
	case l == "-- " || t == "--":
		return true
	case mobileSignature.MatchString(l):
		return true
	case separator.MatchString(l):
		return true
	case attribution.MatchString(l):
		return true
	case attributionStart.MatchString(l) && i+1 < len(lines) && attributionEnd.MatchString(lines[i+1]) &&
		!attribution.MatchString(lines[i+1]):
		return true
	case outlookFrom.MatchString(l):
		// Only a header block: two more header lines within the next four.
		n := 0
		for j := i + 1; j < len(lines) && j <= i+4; j++ {
			if outlookNext.MatchString(lines[j]) {
				n++
			}
		}
		return n >= 2
	}
	return false
}

// isRule reports whether l is blank or only a horizontal rule (dashes, underscores).
func isRule(l string) bool {
	return strings.Trim(l, " \t-_=") == ""
}

// collapseBlankLines keeps at most one blank line between paragraphs.
func collapseBlankLines(s string) string {
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return s
}
