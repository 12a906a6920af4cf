package request

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"
	"unicode"

	"majordome/internal/audit"
	"majordome/internal/fold"
)

// Rule is a routing rule: what the desk does to a new request at intake, before anyone reads it.
//
// A rule matches when every condition it has holds; a condition left empty does not filter, so
// a rule without conditions matches every request. The conditions are Words (alternatives
// separated by "|", found in the title or the details whatever their case and accents, as whole
// words: "fuite" finds "Fuite d'eau" and "fuites" but not "fuiter"; a trailing "*" finds the
// start of a word, "répar*" finds "réparation"), the request's category, the requester's team and
// site, and the channel it came in by.
//
// Rules run in Position order, each matching rule applying its actions; a matching rule with Stop
// ends the run. The actions respect what the requester chose and what earlier rules did:
//   - SetCategory applies only while the request has no category (the requester gave none and no
//     earlier rule set one), so a later rule may test the category an earlier one set;
//   - SetPriority sets the priority when none was given and otherwise only raises it: a rule never
//     makes a request the requester called urgent less so;
//   - the assignee is the first rule's that names an agent still able to take requests;
//   - Tags are added to the requester's, up to the limit of a request;
//   - Confidential makes the request confidential even when the requester said otherwise: a rule
//     on pay or health words is there to protect people.
//
// Every rule that changed something is named in the request's timeline (kind "rule") and in the
// audit entry of its creation.
type Rule struct {
	ID       int64
	Name     string
	Position int
	Enabled  bool
	Stop     bool

	// The conditions.
	Words      string
	CategoryID int64
	Category   string
	TeamID     int64
	Team       string
	SiteID     int64
	Site       string
	Channel    Channel // "" for any

	// The actions. SetCategory is "" when the category was archived since; AssigneeActive is
	// false when the account was deactivated or lost the agent role: both actions are skipped.
	SetCategoryID  int64
	SetCategory    string
	SetPriority    Priority // "" for no change
	AssigneeID     int64
	AssigneeName   string
	AssigneeActive bool
	Tags           []string
	Confidential   bool

	CreatedAt time.Time
	UpdatedAt time.Time

	setCategoryConfidential bool
}

// HasConditions reports whether r filters requests at all.
func (r Rule) HasConditions() bool {
	return r.Words != "" || r.CategoryID != 0 || r.TeamID != 0 || r.SiteID != 0 || r.Channel != ""
}

// WordList is the rule's word alternatives, for display.
func (r Rule) WordList() []string {
	var out []string
	for w := range strings.SplitSeq(r.Words, "|") {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// Sample is a text to try the rules on, as if it were the title of a new request.
type Sample struct {
	Text           string
	Channel        Channel // "" for the web
	RequesterEmail string  // optional: whose team and site the conditions see
}

// Trial is what the rules would do to a Sample: the rules that match, in order, and the request's
// properties once they applied.
type Trial struct {
	Matched      []TrialRule
	Category     string
	Priority     Priority
	AssigneeName string
	Tags         []string
	Confidential bool
}

// TrialRule is one matching rule of a Trial. Changed is false when what it does was already done
// (the requester chose, or an earlier rule did).
type TrialRule struct {
	Rule    Rule
	Changed bool
}

// routeFacts are what the conditions of a rule look at, updated as rules apply.
type routeFacts struct {
	text                 string // the words of the title and details, folded, space-separated and padded
	teamID, siteID       int64
	channel              Channel
	categoryID           int64
	categoryConfidential bool
}

// ruleOutcome is one rule that matched during a run.
type ruleOutcome struct {
	rule    Rule
	changed bool
}

// route applies the routing rules to a new request, inside the transaction that files it: in
// gains the rules' category, priority, assignee, tags and confidentiality, and RuleNames lists the
// rules that changed it, for Create's timeline.
func (k *Desk) route(ctx context.Context, tx *sql.Tx, in *NewRequest, requesterID int64) error {
	in.RuleNames = nil
	outcomes, err := k.runRules(ctx, tx, in, requesterID)
	if err != nil {
		return err
	}
	for _, o := range outcomes {
		if o.changed {
			in.RuleNames = append(in.RuleNames, o.rule.Name)
		}
	}
	return nil
}

// runRules runs the enabled rules over in, changing it, and returns those that matched.
func (k *Desk) runRules(ctx context.Context, q queryer, in *NewRequest, requesterID int64) ([]ruleOutcome, error) {
	rules, err := k.loadRules(ctx, q, 0)
	if err != nil {
		return nil, err
	}
	rules = slices.DeleteFunc(rules, func(r Rule) bool { return !r.Enabled })
	if len(rules) == 0 {
		return nil, nil
	}
	f := routeFacts{text: matchText(in.Title + " " + in.Description), channel: in.Channel}
	if f.channel == "" {
		f.channel = Web
	}
	if requesterID != 0 {
		var team, site sql.NullInt64
		if err := q.QueryRowContext(ctx, k.q.Get("rule-requester"), requesterID).Scan(&team, &site); err != nil && !isNoRows(err) {
			return nil, wrapRule("route", err)
		}
		f.teamID, f.siteID = team.Int64, site.Int64
	}
	if in.Category != "" {
		// An unknown category matches no category condition; Create reports it.
		c, ok, err := k.categoryByName(ctx, q, in.Category)
		if err != nil {
			return nil, err
		}
		if ok {
			f.categoryID, f.categoryConfidential = c.ID, c.Confidential()
		}
	}
	var out []ruleOutcome
	for _, r := range rules {
		if !r.matches(f) {
			continue
		}
		out = append(out, ruleOutcome{rule: r, changed: r.apply(in, &f)})
		if r.Stop {
			break
		}
	}
	return out, nil
}

// matches reports whether every condition of r holds for f.
func (r Rule) matches(f routeFacts) bool {
	switch {
	case r.CategoryID != 0 && r.CategoryID != f.categoryID,
		r.TeamID != 0 && r.TeamID != f.teamID,
		r.SiteID != 0 && r.SiteID != f.siteID,
		r.Channel != "" && r.Channel != f.channel:
		return false
	}
	if r.Words == "" {
		return true
	}
	pats, _ := parseWords(r.Words)
	for _, p := range pats {
		if p.in(f.text) {
			return true
		}
	}
	return false
}

// apply does r's actions to in, as the Rule documentation says, and reports whether anything
// changed.
func (r Rule) apply(in *NewRequest, f *routeFacts) bool {
	changed := false
	if r.SetCategoryID != 0 && r.SetCategory != "" && in.Category == "" {
		in.Category = r.SetCategory
		f.categoryID, f.categoryConfidential = r.SetCategoryID, r.setCategoryConfidential
		changed = true
	}
	if r.SetPriority != "" {
		switch cur := in.Priority; {
		case cur == "":
			in.Priority = r.SetPriority
			changed = r.SetPriority != Normal
		case slices.Contains(Priorities, cur) && priorityRank(r.SetPriority) < priorityRank(cur):
			in.Priority = r.SetPriority
			changed = true
		}
	}
	if r.AssigneeID != 0 && r.AssigneeActive && in.AssigneeID == 0 {
		in.AssigneeID = r.AssigneeID
		changed = true
	}
	if len(r.Tags) > 0 {
		// Tags the requester got wrong are left as typed, for Create to report.
		if tags, code := cleanTags(in.Tags); code == "" {
			for _, t := range r.Tags {
				if !slices.Contains(tags, t) && len(tags) < maxTags {
					tags = append(tags, t)
					changed = true
				}
			}
			in.Tags = tags
		}
	}
	if r.Confidential {
		already := f.categoryConfidential
		if in.Confidential != nil {
			already = *in.Confidential
		}
		yes := true
		in.Confidential = &yes
		changed = changed || !already
	}
	return changed
}

// priorityRank orders priorities, the most pressing first.
func priorityRank(p Priority) int { return slices.Index(Priorities, p) }

// wordPattern is one alternative of a rule's words: a phrase of folded words, found as whole
// words (a final "s" or "x" allowed, for plurals), or as the start of a word when prefix.
type wordPattern struct {
	phrase string
	prefix bool
}

// in reports whether the phrase occurs in text, a matchText.
func (p wordPattern) in(text string) bool {
	if p.prefix {
		return strings.Contains(text, " "+p.phrase)
	}
	return strings.Contains(text, " "+p.phrase+" ") || strings.Contains(text, " "+p.phrase+"s ") ||
		strings.Contains(text, " "+p.phrase+"x ")
}

// parseWords reads "fuite|inondation|dégât des eaux" into patterns. Empty alternatives (a
// trailing "|") are ignored; an alternative with no letter or digit, or a "*" elsewhere than at
// its end, is returned as bad.
func parseWords(s string) (pats []wordPattern, bad string) {
	for alt := range strings.SplitSeq(s, "|") {
		alt = strings.TrimSpace(alt)
		if alt == "" {
			continue
		}
		core, prefix := strings.CutSuffix(alt, "*")
		key := matchKey(core)
		if key == "" || strings.Contains(core, "*") {
			if bad == "" {
				bad = alt
			}
			continue
		}
		pats = append(pats, wordPattern{phrase: key, prefix: prefix})
	}
	return pats, bad
}

// matchKey folds s (case, accents, ligatures) and keeps only its words, separated by one space:
// "Dégât des eaux !" → "degat des eaux", "Wi-Fi" → "wi fi", "d’eau" → "d eau".
func matchKey(s string) string {
	return strings.Join(strings.FieldsFunc(fold.Key(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}), " ")
}

// matchText is the text the word conditions search, padded so every word has a space each side.
func matchText(s string) string { return " " + matchKey(s) + " " }

// recordRules writes a timeline entry per rule that changed a new request. Majordome is the
// actor: the requester did not choose what the rules did.
func (k *Desk) recordRules(ctx context.Context, tx *sql.Tx, requestID int64, names []string) error {
	for _, n := range names {
		if err := k.event(ctx, tx, requestID, audit.Actor{Kind: "system", Name: "Majordome"}, "rule", "", n); err != nil {
			return err
		}
	}
	return nil
}

// isAgent reports whether the account id may be assigned requests: active, agent or admin.
func (k *Desk) isAgent(ctx context.Context, q queryer, id int64) (bool, error) {
	var name, role string
	err := q.QueryRowContext(ctx, k.q.Get("agent"), id).Scan(&name, &role)
	if isNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, wrapRule("assignee", err)
	}
	return role == "admin" || role == "agent", nil
}
