package slackbot

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxTitle is the longest title the desk takes (request.NewRequest).
const maxTitle = 200

// splitRequest makes a request of a message: the title is its first line, or that line's first
// sentence, within maxTitle; the details are the rest. A first sentence too long to be a title
// is cut at a word with "…", and the details then keep the whole text, so nothing is lost.
func splitRequest(text string) (title, details string) {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	first, rest, _ := strings.Cut(text, "\n")
	first, rest = strings.TrimSpace(first), strings.TrimSpace(rest)
	if i := sentenceEnd(first); i > 0 && i < len(first) {
		rest = strings.TrimSpace(strings.TrimSpace(first[i:]) + "\n" + rest)
		first = strings.TrimSpace(first[:i])
	}
	if utf8.RuneCountInString(first) <= maxTitle {
		return first, rest
	}
	cut := []rune(first)[:maxTitle-1]
	if i := strings.LastIndexAny(string(cut), " \t"); i > maxTitle/2 {
		cut = []rune(string(cut)[:i])
	}
	return strings.TrimSpace(string(cut)) + "…", text
}

// sentenceEnd is the byte index just after the first sentence of s (". ", "? ", "! " followed
// by more text), or 0 when s is one sentence.
func sentenceEnd(s string) int {
	for i := 0; i+1 < len(s); i++ {
		switch s[i] {
		case '.', '?', '!':
			if s[i+1] == ' ' && i > 0 && s[i-1] != '.' {
				return i + 1
			}
		}
	}
	return 0
}

var slackRef = regexp.MustCompile(`<([^<>|]+)(?:\|([^<>]*))?>`)

// plainText turns Slack's message markup into the text a person typed: links as "label
// (url)", mentions as @user or #channel, and the &amp; &lt; &gt; escapes undone.
func plainText(s string) string {
	s = slackRef.ReplaceAllStringFunc(s, func(m string) string {
		p := slackRef.FindStringSubmatch(m)
		target, label := p[1], p[2]
		switch {
		case strings.HasPrefix(target, "@"), strings.HasPrefix(target, "#"):
			if label != "" {
				return target[:1] + label
			}
			return target
		case strings.HasPrefix(target, "!"):
			return "@" + strings.TrimPrefix(target, "!")
		case strings.HasPrefix(target, "mailto:") && label != "":
			return label
		case label != "" && label != target:
			return label + " (" + target + ")"
		}
		return target
	})
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// esc escapes text for Slack's mrkdwn, so that what people typed is shown as typed.
func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// permalink is the link to a message from the workspace's domain, its channel and ts, as
// chat.getPermalink gives it (without a call to Slack).
func permalink(domain, channel, ts string) string {
	if domain == "" || channel == "" || ts == "" {
		return ""
	}
	return fmt.Sprintf("https://%s.slack.com/archives/%s/p%s", domain, channel, strings.ReplaceAll(ts, ".", ""))
}

// excerpt is s on one line, cut to n runes.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n-1])) + "…"
	}
	return s
}
