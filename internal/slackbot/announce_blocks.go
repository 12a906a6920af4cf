package slackbot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"majordome/internal/announce"
)

// actAnnounceAck is the "J'ai lu" button of an announcement (value: its id).
const actAnnounceAck = "announce_ack"

// maxSection is the most text a section block takes (Slack's limit is 3 000 characters).
const maxSection = 2900

var paris = mustLocation("Europe/Paris")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// at translates key of the announcechannels area in lang.
func (a *App) at(lang, key string, args ...any) string {
	return a.I18n.T(lang, "announcechannels."+key, args...)
}

// importance is an's importance, info when unset.
func importance(an announce.Announcement) string {
	switch an.Importance {
	case announce.Important, announce.Action:
		return string(an.Importance)
	}
	return string(announce.Info)
}

// announceMessage is an as Slack shows it to r (channel: in the channel post, to everyone):
// the importance and title, the body, the attachments as links, who sends it and the deadline,
// and "J'ai lu" when an acknowledgement is asked, or "✅ Lu le …" once r gave it.
func (a *App) announceMessage(an announce.Announcement, r announce.Recipient, lang string, channel bool) (string, []slack.Block) {
	imp := importance(an)
	title := a.at(lang, "slack.title."+imp, "title", esc(an.Title))
	text := a.at(lang, "text."+imp, "title", an.Title)
	if an.Version > 1 {
		title += " " + a.at(lang, "corrected")
		text += " " + a.at(lang, "corrected")
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(title), nil, nil)}
	for _, part := range sections(mrkdwnOf(an.Body)) {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(part), nil, nil))
	}
	if len(an.Files) > 0 {
		links := make([]string, 0, len(an.Files))
		for _, f := range an.Files {
			links = append(links, fmt.Sprintf("<%s|%s>", a.link(fmt.Sprintf("/portal/announcements/%d/files/%d", an.ID, f.ID)), esc(f.Name)))
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("📎 "+strings.Join(links, " · ")), nil, nil))
	}
	var info []slack.MixedElement
	if an.AuthorName != "" {
		info = append(info, mrkdwn(a.at(lang, "slack.from", "name", esc(an.AuthorName))))
	}
	if an.AckRequired && an.AckBy != nil {
		info = append(info, mrkdwn(a.at(lang, "slack.ack_by", "date", an.AckBy.In(paris).Format("02/01/2006 15:04"))))
	}
	if len(info) > 0 {
		blocks = append(blocks, slack.NewContextBlock("announce_info", info...))
	}
	switch {
	case !an.AckRequired:
	case !channel && r.AckAt != nil:
		blocks = append(blocks, slack.NewContextBlock("announce_acked", mrkdwn(a.acked(lang, *r.AckAt))))
	default:
		blocks = append(blocks, ackButton(a.at(lang, "slack.ack_button"), an.ID))
	}
	return text, blocks
}

// reminderMessage is the reminder of an: a line in the thread of the DM, or, without a DM to
// answer (standalone), the line followed by the announcement.
func (a *App) reminderMessage(an announce.Announcement, lang string, standalone bool) (string, []slack.Block) {
	line := a.at(lang, "slack.remind", "title", esc(an.Title))
	if an.AckBy != nil {
		line = a.at(lang, "slack.remind_by", "title", esc(an.Title), "date", an.AckBy.In(paris).Format("02/01/2006 15:04"))
	}
	text := a.at(lang, "text.remind", "title", an.Title)
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(line), nil, nil)}
	if standalone {
		_, more := a.announceMessage(an, announce.Recipient{}, lang, false)
		return text, append(blocks, more...)
	}
	if an.AckRequired {
		blocks = append(blocks, ackButton(a.at(lang, "slack.ack_button"), an.ID))
	}
	return text, blocks
}

// acked is "✅ Lu le 23/11 à 10:02", in Paris time.
func (a *App) acked(lang string, at time.Time) string {
	t := at.In(paris)
	return a.at(lang, "slack.acked", "date", t.Format("02/01"), "time", t.Format("15:04"))
}

func ackButton(label string, id int64) slack.Block {
	return slack.NewActionBlock("announce_ack",
		slack.NewButtonBlockElement(actAnnounceAck, strconv.FormatInt(id, 10), plain(label)).WithStyle(slack.StylePrimary))
}

// sections cuts text into parts a section block takes, between paragraphs where it can.
func sections(text string) []string {
	var out []string
	for strings.TrimSpace(text) != "" {
		if len([]rune(text)) <= maxSection {
			out = append(out, strings.TrimSpace(text))
			break
		}
		head := string([]rune(text)[:maxSection])
		cut := strings.LastIndex(head, "\n\n")
		if cut < maxSection/2 {
			if cut = strings.LastIndex(head, "\n"); cut < maxSection/2 {
				cut = len(head)
			}
		}
		out = append(out, strings.TrimSpace(text[:cut]))
		text = text[cut:]
	}
	return out
}

var (
	mdHeading = regexp.MustCompile(`^#{1,6}\s+(.+?)\s*#*$`)
	mdBullet  = regexp.MustCompile(`^(\s*)[-*+]\s+`)
	mdLink    = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)
	mdBold    = regexp.MustCompile(`\*\*(\S(?:.*?\S)?)\*\*|__(\S(?:.*?\S)?)__`)
	mdItalic  = regexp.MustCompile(`(^|[^*\w])\*(\S(?:[^*]*?\S)?)\*`)
	mdStrike  = regexp.MustCompile(`~~(\S(?:.*?\S)?)~~`)
	mdCode    = regexp.MustCompile("`[^`]+`")
)

// mrkdwnOf turns the Markdown of an announcement into Slack's mrkdwn, simply: headings and
// bold become *bold*, italics _italic_, ~~struck~~ ~struck~, links <url|text>, bullets •;
// code stays as it is, and &, < and > are escaped. What Slack cannot show (tables, images)
// stays as typed.
func mrkdwnOf(md string) string {
	lines := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n")
	fenced := false
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fenced = !fenced
			lines[i] = "```"
			continue
		}
		l = esc(l)
		if fenced {
			lines[i] = l
			continue
		}
		if m := mdHeading.FindStringSubmatch(l); m != nil {
			lines[i] = "*" + strings.Trim(m[1], "*") + "*"
			continue
		}
		l = mdBullet.ReplaceAllString(l, "$1• ")
		lines[i] = inline(l)
	}
	return strings.Join(lines, "\n")
}

// inline converts the inline Markdown of one line, leaving code spans alone.
func inline(l string) string {
	var b strings.Builder
	last := 0
	for _, loc := range mdCode.FindAllStringIndex(l, -1) {
		b.WriteString(inlineText(l[last:loc[0]]))
		b.WriteString(l[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(inlineText(l[last:]))
	return b.String()
}

func inlineText(s string) string {
	s = mdLink.ReplaceAllString(s, "<$2|$1>")
	// Bold first, through a marker, so that its stars are not read as italics.
	s = mdBold.ReplaceAllStringFunc(s, func(m string) string {
		p := mdBold.FindStringSubmatch(m)
		return "\x00" + p[1] + p[2] + "\x00"
	})
	s = mdItalic.ReplaceAllString(s, "${1}_${2}_")
	s = mdStrike.ReplaceAllString(s, "~$1~")
	return strings.ReplaceAll(s, "\x00", "*")
}
