package announce

// The types of announcements, and the two interfaces through which the channel adapters
// deliver them: Deliverer (Slack DMs in package slackbot, email in package mailout) and
// ChannelPoster (one post in a Slack channel).

import (
	"context"
	"time"
)

// Importance of an announcement.
type Importance string

// The importances.
const (
	Info      Importance = "info"
	Important Importance = "important"
	Action    Importance = "action" // action required
)

// The channels an announcement goes through.
const (
	ChannelSlack  = "slack"  // a DM to each recipient (SlackDM) and/or a post in SlackChannel
	ChannelEmail  = "email"  // an email to each recipient
	ChannelPortal = "portal" // a banner in the portal until acknowledged (or read), and the history
)

// The states of an announcement.
const (
	StatusDraft     = "draft"
	StatusScheduled = "scheduled" // waits for SendAt
	StatusSending   = "sending"   // the fan-out runs
	StatusSent      = "sent"      // every delivery settled (sent or failed)
	StatusCancelled = "cancelled"
)

// The states of one recipient (their best state across channels, in this order).
const (
	RecipientQueued       = "queued"
	RecipientSent         = "sent"
	RecipientFailed       = "failed" // every channel failed
	RecipientRead         = "read"
	RecipientAcknowledged = "acknowledged"
)

// Audience is who an announcement is for: everyone, or the union of teams, sites and people
// (names of teams and sites, emails of people). Only active staff (not external contacts).
type Audience struct {
	Everyone bool     `json:"everyone,omitempty"`
	Teams    []string `json:"teams,omitempty"`
	Sites    []string `json:"sites,omitempty"`
	People   []string `json:"people,omitempty"`
}

// Input is what an announcement is composed from.
type Input struct {
	Title        string
	Body         string // Markdown
	Audience     Audience
	Channels     []string // any of ChannelSlack, ChannelEmail, ChannelPortal
	SlackDM      bool     // with ChannelSlack: a DM to each recipient (default true when SlackChannel is "")
	SlackChannel string   // with ChannelSlack: also post in this channel id ("" for none)
	Importance   Importance
	AckRequired  bool
	AckBy        *time.Time // acknowledge before (needs AckRequired); reminders go before it
	SendAt       *time.Time // nil: at once
	Files        []File     // attachments
	Draft        bool       // save without sending
}

// File is an attachment of an announcement.
type File struct {
	ID          int64
	Name        string
	ContentType string
	Size        int64
	Data        []byte // on input; empty when listed
}

// Counts are an announcement's delivery figures.
type Counts struct {
	Recipients   int `json:"recipients"`
	Queued       int `json:"queued"`
	Sent         int `json:"sent"`
	Failed       int `json:"failed"`
	Read         int `json:"read"`
	Acknowledged int `json:"acknowledged"`
}

// Announcement is one message to many.
type Announcement struct {
	ID           int64
	Title        string
	Body         string
	Audience     Audience
	Channels     []string
	SlackDM      bool
	SlackChannel string
	Importance   Importance
	AckRequired  bool
	AckBy        *time.Time
	SendAt       *time.Time
	Status       string
	Version      int // 1, then +1 at each correction after sending
	AuthorUserID int64
	AuthorName   string
	Files        []File
	CreatedAt    time.Time
	UpdatedAt    time.Time
	SentAt       *time.Time // when the fan-out started
	Counts       Counts
}

// Recipient is one person an announcement goes to, with their delivery state per channel.
type Recipient struct {
	AnnouncementID int64
	PersonID       int64
	Name           string
	Email          string
	Language       string
	Team           string
	Site           string
	State          string            // the best state across channels (Recipient* constants)
	Channels       map[string]string // channel → "queued" | "sent" | "failed" | "skipped"
	Refs           map[string]string // channel → where it went (Slack "channel/ts", email Message-ID)
	Errors         map[string]string // channel → last error, for failed ones
	ReadAt         *time.Time
	AckAt          *time.Time
	AckVia         string // the channel it was acknowledged through
	Token          string // secret of the email's acknowledgement link (/announcements/ack/{token})
	RemindedAt     *time.Time
}

// Rate is how fast a deliverer may send: N per Per.
type Rate struct {
	N   int
	Per time.Duration
}

// Deliverer sends announcements to recipients through one channel (Slack DMs, email). The
// fan-out job (fanout.go) calls it one recipient at a time at the deliverer's Rate,
// records the outcome per recipient and channel, and resumes after a restart with the
// recipients not yet settled. Deliver must not deliver twice what it already delivered when it
// is called again for the same (announcement, recipient, version) after a crash, as far as the
// channel lets it know (Slack: look the message up by its metadata; email: record it as sent
// as soon as the relay accepts it).
type Deliverer interface {
	Channel() string // ChannelSlack or ChannelEmail
	Rate() Rate
	// Deliver sends a to r; ref says where it went. A Permanent error settles r as failed on
	// this channel; any other error is retried later.
	Deliver(ctx context.Context, a Announcement, r Recipient) (ref string, err error)
	// Correct updates what was sent under ref after a correction (Slack: chat.update); email
	// cannot unsend: return nil.
	Correct(ctx context.Context, a Announcement, r Recipient, ref string) error
	// Remind tells r again, briefly, that a waits for their acknowledgement.
	Remind(ctx context.Context, a Announcement, r Recipient) error
}

// ChannelPoster posts an announcement once in a Slack channel (SlackChannel); slackbot
// implements it. The fan-out calls it once per announcement (and CorrectChannel on corrections).
type ChannelPoster interface {
	PostChannel(ctx context.Context, a Announcement) (ref string, err error)
	CorrectChannel(ctx context.Context, a Announcement, ref string) error
}

// Permanent marks a delivery error that retrying cannot fix (no Slack account, a bounced address).
type Permanent struct{ Err error }

func (e *Permanent) Error() string { return e.Err.Error() }
func (e *Permanent) Unwrap() error { return e.Err }

// RecipientFilter narrows a recipient list.
type RecipientFilter struct {
	State  string // one of the Recipient* states, or "pending" (not acknowledged); "" for all
	TeamID int64
	SiteID int64
	Q      string
	Cursor string
	Limit  int
}

// Breakdown is the acknowledgement rate of one team or site.
type Breakdown struct {
	Name         string
	Recipients   int
	Acknowledged int
	Read         int
}
