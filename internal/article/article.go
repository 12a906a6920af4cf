// Package article owns the bible: the articles an Office Manager writes once and reuses (how to
// reset the guest Wi-Fi, what to do about a water leak) and the desk's reply templates, with
// their versions, links, files and stale-check dates; who may read them (audience and status);
// their search; and the suggestions that answer a question before it becomes a request
// (deflection).
package article

import (
	"embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/civil"
	"majordome/internal/db"
	"majordome/internal/fold"
	"majordome/internal/notify"
	"majordome/internal/search"
	"majordome/internal/valid"
)

//go:embed queries*.sql
var queriesFS embed.FS

// The kinds of article.
const (
	KindArticle       = "article"
	KindReplyTemplate = "reply_template" // a canned reply of the desk, with placeholders
)

// The audiences: who may read a published article.
const (
	AudienceEveryone = "everyone"
	AudienceAgents   = "agents"
	AudienceAdmins   = "admins"
)

// The statuses. A draft is read by the agents and admins only.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
)

// Kinds, Audiences and Statuses list the accepted values, in the order forms show them.
var (
	Kinds     = []string{KindArticle, KindReplyTemplate}
	Audiences = []string{AudienceEveryone, AudienceAgents, AudienceAdmins}
	Statuses  = []string{StatusPublished, StatusDraft}
)

// Limits of an article.
const (
	maxTitle    = 200
	maxSlug     = 100
	maxCategory = 80
	maxTag      = 40
	maxTags     = 20
	maxBody     = 200_000
)

// Article is one page of the bible, or a reply template.
type Article struct {
	ID            int64
	Slug          string // its address: /bible/SLUG
	Title         string
	Kind          string // KindArticle or KindReplyTemplate
	Category      string // free text, "" for none
	Tags          []string
	Audience      string // AudienceEveryone, AudienceAgents or AudienceAdmins
	Status        string // StatusDraft or StatusPublished
	OwnerEmail    string // who keeps it up to date, "" for nobody
	VerifiedUntil civil.Date
	Body          string // Markdown
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Version       int
}

// IsStale reports whether the article's "verified until" date is before today.
func (a Article) IsStale(today civil.Date) bool {
	return !a.VerifiedUntil.IsZero() && a.VerifiedUntil.Before(today)
}

// Viewer is who reads or writes the bible: an account, the person it is, its role.
type Viewer struct {
	UserID   int64
	PersonID int64
	Name     string
	Email    string
	Role     auth.Role
}

// IsAgent reports whether v writes the bible and reads its drafts (agents and admins).
func (v Viewer) IsAgent() bool { return v.Role.AtLeast(auth.Agent) }

// CanSee reports whether v may read a: admins everything; agents every article not kept for
// admins, drafts included; everyone else the published articles for everyone.
func (v Viewer) CanSee(a Article) bool {
	switch {
	case v.Role == auth.Admin:
		return true
	case v.IsAgent():
		return a.Audience != AudienceAdmins
	default:
		return a.Status == StatusPublished && a.Audience == AudienceEveryone
	}
}

// Errors of the article package.
var (
	ErrNotFound  = errors.New("article: not found")
	ErrForbidden = errors.New("article: not allowed")
)

// Service is the bible.
type Service struct {
	db     *db.DB
	q      *db.Queries
	audit  *audit.Log
	search *search.Index   // nil: articles are not searchable (tests of other parts)
	notify *notify.Service // nil: stale articles are flagged but nobody is told
	now    func() time.Time
	loc    *time.Location // where "today" is, for stale articles
}

// New returns the bible stored in d.
func New(d *db.DB, log *audit.Log) *Service {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		loc = time.UTC
	}
	return &Service{db: d, q: db.MustLoadQueries("article", queriesFS, d.Dialect), audit: log,
		now: func() time.Time { return time.Now().UTC() }, loc: loc}
}

// WithSearch makes the bible keep idx up to date with every article and answer Search from it.
func (s *Service) WithSearch(idx *search.Index) *Service {
	s.search = idx
	return s
}

// WithNotify makes the stale-article job tell the owners.
func (s *Service) WithNotify(n *notify.Service) *Service {
	s.notify = n
	return s
}

// Queries exposes the package's statements to the start-up check.
func (s *Service) Queries() *db.Queries { return s.q }

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Today is the current date in Paris.
func (s *Service) Today() civil.Date { return civil.Of(s.now().In(s.loc)) }

// ligatures are the letters fold.Key keeps that a slug spells with two.
var ligatures = strings.NewReplacer("œ", "oe", "æ", "ae", "ß", "ss")

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// CheckSlug returns an error when slug cannot be an article's address: lower-case letters
// without accents, digits and single hyphens, at most 100 characters ("wifi-invites").
func (s *Service) CheckSlug(slug string) error { return CheckSlug(slug) }

// CheckSlug is Service.CheckSlug, for callers without a service.
func CheckSlug(slug string) error {
	if len(slug) > maxSlug || !slugRe.MatchString(slug) || slug == "new" || slug == "preview" || slug == "checklists" {
		return fmt.Errorf("article: %q is not a valid slug (lower-case letters, digits and hyphens)", slug)
	}
	return nil
}

// Slugify makes a slug from a title: "Procédure Wi-Fi invités" → "procedure-wi-fi-invites".
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range ligatures.Replace(fold.Key(title)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
		if b.Len() >= maxSlug-8 {
			break
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" || CheckSlug(out) != nil {
		out = "article"
	}
	return out
}

// normalize tidies what a person typed: single spaces, trimmed, Windows line ends, tags without
// duplicates, in the order given.
func normalize(a Article) Article {
	a.Title = strings.Join(strings.Fields(a.Title), " ")
	a.Slug = strings.TrimSpace(a.Slug)
	a.Category = strings.Join(strings.Fields(a.Category), " ")
	a.OwnerEmail = strings.ToLower(strings.TrimSpace(a.OwnerEmail))
	a.Body = strings.TrimRight(strings.ReplaceAll(a.Body, "\r\n", "\n"), " \n")
	if a.Kind == "" {
		a.Kind = KindArticle
	}
	if a.Audience == "" {
		a.Audience = AudienceEveryone
	}
	if a.Status == "" {
		a.Status = StatusPublished
	}
	var tags []string
	seen := map[string]bool{}
	for _, t := range a.Tags {
		t = strings.Join(strings.Fields(strings.ReplaceAll(t, ",", " ")), " ")
		if t == "" || seen[fold.Key(t)] {
			continue
		}
		seen[fold.Key(t)] = true
		tags = append(tags, t)
	}
	a.Tags = tags
	return a
}

// ParseTags splits "wifi, réseau,invités" into tags.
func ParseTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// Validate checks a as Create would save it, without saving it: for an edge that has found
// errors of its own (a date that is not one) and wants to show them all at once.
func Validate(a Article) error {
	if a.Slug == "" {
		a.Slug = Slugify(a.Title)
	}
	return validate(normalize(a))
}

// validate checks a normalized article, field by field.
func validate(a Article) error {
	var errs valid.Errors
	if errs.Required("title", a.Title) {
		errs.MaxLen("title", a.Title, maxTitle)
	}
	if errs.Required("slug", a.Slug) && CheckSlug(a.Slug) != nil {
		errs.Add("slug", "slug_invalid")
	}
	if !slices.Contains(Kinds, a.Kind) {
		errs.Add("kind", "invalid")
	}
	if !slices.Contains(Audiences, a.Audience) {
		errs.Add("audience", "invalid")
	}
	if !slices.Contains(Statuses, a.Status) {
		errs.Add("status", "invalid")
	}
	errs.MaxLen("category", a.Category, maxCategory)
	if len(a.Tags) > maxTags {
		errs.Add("tags", "too_many", "max", fmt.Sprint(maxTags))
	}
	for _, t := range a.Tags {
		if !errs.MaxLen("tags", t, maxTag) {
			break
		}
	}
	if a.OwnerEmail != "" {
		errs.Email("owner_email", a.OwnerEmail)
	}
	if errs.Required("body", a.Body) {
		errs.MaxLen("body", a.Body, maxBody)
	}
	return errs.Err()
}
