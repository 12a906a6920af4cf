// Package mailout is the outgoing half of Majordome's email channel: replies, notifications and
// sign-in links sent through the company's SMTP relay, and the threading that ties every email
// of a request together (the incoming half, package mailin, matches replies with it).
package mailout

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Threading. Every email about request 1042 belongs to one thread, whatever the mail client:
//
//   - the thread's root Message-ID is <request-1042@DOMAIN>; each message Majordome sends has its
//     own Message-ID <request-1042.SUFFIX@DOMAIN> and carries the root (and the last message the
//     requester sent, when there is one) in In-Reply-To and References;
//   - the reply address is plus-addressed: office+1042@exemple.fr;
//   - the subject carries the tag [#1042].
//
// An incoming email is matched to its request by those three, in that order (see Match).

// RootMessageID is the Message-ID of the thread of request number, with its angle brackets.
func RootMessageID(number int64, domain string) string {
	return fmt.Sprintf("<request-%d@%s>", number, domain)
}

// MessageID is the Message-ID of one message of the thread of request number; suffix makes it
// unique (a message id, a notification id, a random string).
func MessageID(number int64, suffix, domain string) string {
	return fmt.Sprintf("<request-%d.%s@%s>", number, suffix, domain)
}

var messageIDRe = regexp.MustCompile(`^<?request-([0-9]{1,18})(?:\.[^@>]*)?@([^>]+)>?$`)

// RequestFromMessageID returns the request number a Message-ID of ours names, when it is ours:
// its domain must be domain (case-insensitive).
func RequestFromMessageID(id, domain string) (int64, bool) {
	m := messageIDRe.FindStringSubmatch(strings.TrimSpace(id))
	if m == nil || !strings.EqualFold(m[2], domain) {
		return 0, false
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	return n, err == nil && n > 0
}

// ReplyAddress is the plus-address that routes a reply to request number: office+1042@exemple.fr
// for the desk's address office@exemple.fr.
func ReplyAddress(desk string, number int64) string {
	local, domain, ok := strings.Cut(desk, "@")
	if !ok {
		return desk
	}
	if i := strings.IndexByte(local, '+'); i >= 0 {
		local = local[:i]
	}
	return fmt.Sprintf("%s+%d@%s", local, number, domain)
}

// RequestFromAddress returns the request number of a plus-address of the desk's address desk.
func RequestFromAddress(addr, desk string) (int64, bool) {
	local, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(addr)), "@")
	dlocal, ddomain, dok := strings.Cut(strings.ToLower(desk), "@")
	if !ok || !dok || domain != ddomain {
		return 0, false
	}
	base, tag, ok := strings.Cut(local, "+")
	if !ok || base != dlocal {
		return 0, false
	}
	n, err := strconv.ParseInt(tag, 10, 64)
	return n, err == nil && n > 0
}

// SubjectTag is the tag of request number in subjects: "[#1042]".
func SubjectTag(number int64) string { return fmt.Sprintf("[#%d]", number) }

var subjectTagRe = regexp.MustCompile(`\[#([0-9]{1,18})\]`)

// RequestFromSubject returns the request number of the first [#1042] tag of a subject.
func RequestFromSubject(subject string) (int64, bool) {
	m := subjectTagRe.FindStringSubmatch(subject)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	return n, err == nil && n > 0
}
