package pack

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/checklist"
	"majordome/internal/valid"
)

// The actions of a plan.
const (
	Create    = "create"
	Update    = "update"
	Unchanged = "unchanged"
)

// Change is what importing one file of a pack does to the bible.
type Change struct {
	File   string
	Slug   string
	Kind   string // KindArticle, KindReplyTemplate or KindChecklist
	Title  string
	Action string   // Create, Update or Unchanged
	Diffs  []Diff   // for an update: what differs
	Files  []string // the files of the pack stored with the article, new to the bible
}

// Diff is one difference between the bible and the pack. Field is a front matter field
// ("title", "tags"…), "body" for the text (Before and After then count the lines removed and
// added), "file" for a file stored with the article (After is its path in the pack), or "task"
// for a line of a checklist (Row, from 1; Before or After empty when the task
// is added or removed).
type Diff struct {
	Field  string
	Row    int
	Before string
	After  string
}

// Plan is what importing a pack does, or did.
type Plan struct {
	Meta                        Meta
	Changes                     []Change
	Images                      []string // files of the pack that no article carries, not imported
	Created, Updated, Unchanged int
	Files                       int // files stored with the articles, new to the bible
}

// Check reads src against the bible and returns what importing it would change, without
// writing anything. A pack with problems returns Problems, every one of them.
func (s *Service) Check(ctx context.Context, src *Source) (*Plan, error) {
	return s.run(ctx, src, false)
}

// Import writes src into the bible in one transaction, all or nothing, and returns what
// changed. Importing the same pack again changes nothing: every entry is then Unchanged and no
// article gets a new version. Each created or updated article and checklist is audited, and
// the import as a whole too.
func (s *Service) Import(ctx context.Context, src *Source) (*Plan, error) {
	return s.run(ctx, src, true)
}

func (s *Service) run(ctx context.Context, src *Source, commit bool) (*Plan, error) {
	p := parse(src)
	in, err := s.instance(ctx)
	if err != nil {
		return nil, err
	}
	probs := p.probs
	resolve(p, in, &probs)
	unused := resolveFiles(src, p, &probs)

	plan := &Plan{Meta: p.meta, Images: unused}
	for _, e := range p.entries {
		plan.Changes = append(plan.Changes, Change{File: e.File, Slug: e.Slug, Kind: e.Kind, Title: e.Title(),
			Diffs: diff(e, in)})
	}
	stored := map[string]fileRef{} // the files of the articles' folders files/SLUG/, once stored
	err = s.tx(ctx, commit, func(tx *sql.Tx) error {
		for i, e := range p.entries {
			var changed bool
			var added []string
			var err error
			if e.Kind == KindChecklist {
				e.Template = checklistFileLinks(e, stored)
				changed, err = s.checklists.UpsertTemplateTx(ctx, tx, e.Template)
			} else {
				changed, added, err = s.upsertArticle(ctx, tx, &e, stored)
			}
			var ve valid.Errors
			if errors.As(err, &ve) {
				for _, fe := range ve {
					line := e.src.fieldLine(fe.Field)
					if !probs.has(e.File, line) { // said already, in the pack's words
						probs = append(probs, Problem{File: e.File, Line: line, Code: "field", Field: &fe})
					}
				}
				continue
			}
			if err != nil {
				return fmt.Errorf("pack: import %s: %w", e.File, err)
			}
			c := &plan.Changes[i]
			if len(e.files) > 0 || (e.Kind == KindChecklist && len(stored) > 0) {
				c.Diffs = diff(e, in) // with the files' addresses
			}
			c.Files = added
			plan.Files += len(added)
			_, wasArticle := in.articles[e.Slug]
			_, wasChecklist := in.templates[e.Slug]
			existed := (e.Kind == KindChecklist && wasChecklist) || (e.Kind != KindChecklist && wasArticle)
			switch {
			case !changed && len(added) == 0:
				c.Action, c.Diffs = Unchanged, nil
				plan.Unchanged++
			case existed:
				c.Action = Update
				if !changed {
					c.Diffs = nil
				}
				for _, f := range added {
					c.Diffs = append(c.Diffs, Diff{Field: "file", After: f})
				}
				if len(c.Diffs) == 0 {
					c.Diffs = []Diff{{Field: "other"}}
				}
				plan.Updated++
			default:
				c.Action, c.Diffs = Create, nil
				plan.Created++
			}
		}
		if len(probs) > 0 {
			sortProblems(probs)
			return probs
		}
		if plan.Created+plan.Updated == 0 {
			return nil
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "pack.import", EntityType: "pack", EntityName: p.meta.Name,
			After: map[string]any{"name": p.meta.Name, "version": p.meta.Version, "created": plan.Created,
				"updated": plan.Updated, "unchanged": plan.Unchanged, "files": plan.Files}})
	})
	if err != nil {
		return nil, err
	}
	return plan, nil
}

// upsertArticle writes the article of e with the files it carries, its links to them turned
// into their addresses (e's body is then the text written), and returns the pack paths of
// the files stored anew. The files of its folder files/SLUG/ go into stored, for the links of
// the checklists.
func (s *Service) upsertArticle(ctx context.Context, tx *sql.Tx, e *Entry, stored map[string]fileRef) (bool, []string, error) {
	if len(e.files) == 0 {
		changed, err := s.articles.UpsertTx(ctx, tx, e.Article)
		return changed, nil, err
	}
	uploads := make([]article.Upload, len(e.files))
	for i, f := range e.files {
		uploads[i] = f.upload
	}
	var ids []int64
	body := e.Article.Body
	changed, added, err := s.articles.UpsertWithFilesTx(ctx, tx, e.Article, uploads, func(got []int64) string {
		ids = got
		refs := map[string]fileRef{}
		for i, f := range e.files {
			refs[f.path] = fileRef{slug: e.Slug, id: got[i]}
		}
		e.Article.Body = fileLinks(body, e.File, refs)
		return e.Article.Body
	})
	if err != nil {
		return false, nil, err
	}
	isAdded := map[int64]bool{}
	for _, f := range added {
		isAdded[f.ID] = true
	}
	var paths []string
	for i, f := range e.files {
		if isAdded[ids[i]] {
			paths = append(paths, f.path)
			delete(isAdded, ids[i])
		}
		if strings.HasPrefix(f.path, filesDir+e.Slug+"/") {
			stored[f.path] = fileRef{slug: e.Slug, id: ids[i]}
		}
	}
	return changed, paths, nil
}

// checklistFileLinks returns e's checklist with its links to the files of the articles turned
// into their addresses.
func checklistFileLinks(e Entry, stored map[string]fileRef) checklist.Template {
	t := e.Template
	if len(stored) == 0 {
		return t
	}
	t.Description = fileLinks(t.Description, e.File, stored)
	t.Tasks = slices.Clone(t.Tasks)
	for i := range t.Tasks {
		t.Tasks[i].Details = fileLinks(t.Tasks[i].Details, e.File, stored)
	}
	return t
}

// resolve converts the links of every entry to the bible's addresses and checks them, and
// checks the articles the checklists' tasks point to: each must be in the pack or the bible.
func resolve(p parsed, in instance, probs *Problems) {
	known := slugKinds{articles: map[string]bool{}, checklists: map[string]bool{}}
	for slug := range in.articles {
		known.articles[slug] = true
	}
	for slug := range in.templates {
		known.checklists[slug] = true
	}
	for _, e := range p.entries {
		if e.Kind == KindChecklist {
			known.checklists[e.Slug] = true
		} else {
			known.articles[e.Slug] = true
		}
	}
	for _, slug := range p.failed {
		if !known.checklists[slug] {
			known.articles[slug] = true // reported already; its links are not broken too
		}
	}
	for i := range p.entries {
		e := &p.entries[i]
		broken := func(base int) func(int, string) {
			return func(line int, name string) {
				probs.add(e.File, base+line, "broken_link", "target", name)
			}
		}
		if e.Kind != KindChecklist {
			e.Article.Body = toInstance(e.Article.Body, known, broken(e.src.bodyLine))
			continue
		}
		e.Template.Description = toInstance(e.Template.Description, known, broken(e.src.bodyLine))
		for j := range e.Template.Tasks {
			k := &e.Template.Tasks[j]
			at := fmt.Sprintf("$.tasks[%d].", j)
			k.Details = toInstance(k.Details, known, func(_ int, name string) {
				probs.add(e.File, e.src.line(at+"details"), "broken_link", "target", name)
			})
			if k.ArticleSlug != "" && !known.articles[k.ArticleSlug] {
				probs.add(e.File, e.src.line(at+"article"), "broken_article", "target", k.ArticleSlug)
			}
		}
	}
}

func sortProblems(ps Problems) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
}

// diff lists what differs between e and the bible's entry of the same slug.
func diff(e Entry, in instance) []Diff {
	var out []Diff
	add := func(field, before, after string) {
		if before != after {
			out = append(out, Diff{Field: field, Before: before, After: after})
		}
	}
	if e.Kind == KindChecklist {
		before, ok := in.templates[e.Slug]
		if !ok {
			return nil
		}
		t := e.Template
		_ = checklist.Validate(&t) // normalizes; the import reports what is invalid
		add("title", before.Title, t.Title)
		add("anchor", before.Anchor, t.Anchor)
		add("recurrence", before.Recurrence, t.Recurrence)
		add("recurrence_day", before.RecurrenceDay, t.RecurrenceDay)
		if d, ok := bodyDiff(before.Description, t.Description); ok {
			out = append(out, d)
		}
		for i := range max(len(before.Tasks), len(t.Tasks)) {
			var b, a string
			if i < len(before.Tasks) {
				b = taskLine(before.Tasks[i])
			}
			if i < len(t.Tasks) {
				a = taskLine(t.Tasks[i])
			}
			if i < len(before.Tasks) && i < len(t.Tasks) && before.Tasks[i] == t.Tasks[i] {
				continue
			}
			out = append(out, Diff{Field: "task", Row: i + 1, Before: b, After: a})
		}
		return out
	}
	before, ok := in.articles[e.Slug]
	if !ok {
		return nil
	}
	a := normalizeArticle(e.Article)
	add("type", before.Kind, a.Kind)
	add("title", before.Title, a.Title)
	add("category", before.Category, a.Category)
	add("tags", strings.Join(before.Tags, ", "), strings.Join(a.Tags, ", "))
	add("audience", before.Audience, a.Audience)
	add("status", before.Status, a.Status)
	add("owner", before.OwnerEmail, a.OwnerEmail)
	add("verified_until", before.VerifiedUntil.String(), a.VerifiedUntil.String())
	if d, ok := bodyDiff(before.Body, a.Body); ok {
		out = append(out, d)
	}
	return out
}

// taskLine is a task in one line, for a plan: "J-8 → J-1 calendar · Faire la DPAE · role:office_manager".
func taskLine(k checklist.Task) string {
	when := offsetLabel(k.Offset)
	if k.OffsetEnd != 0 {
		when += " → " + offsetLabel(k.OffsetEnd)
	}
	s := when + " " + k.Unit + " · " + k.Title + " · " + k.Owner
	if k.ArticleSlug != "" {
		s += " · " + k.ArticleSlug
	}
	if k.Details != "" {
		s += " · …"
	}
	return s
}

func offsetLabel(n int) string {
	if n > 0 {
		return fmt.Sprintf("J+%d", n)
	}
	return fmt.Sprintf("J%d", n) // J0, J-8
}

// bodyDiff counts the lines removed and added between two texts.
func bodyDiff(before, after string) (Diff, bool) {
	if before == after {
		return Diff{}, false
	}
	removed, added := lineChanges(strings.Split(before, "\n"), strings.Split(after, "\n"))
	return Diff{Field: "body", Before: fmt.Sprint(removed), After: fmt.Sprint(added)}, true
}

// lineChanges counts the lines only in a and only in b, through their longest common
// subsequence (texts of the bible are short enough for the quadratic table).
func lineChanges(a, b []string) (removed, added int) {
	if len(a)*len(b) > 4_000_000 {
		return len(a), len(b)
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	common := prev[len(b)]
	return len(a) - common, len(b) - common
}

// normalizeArticle tidies a like the bible does before comparing (spaces, line ends, defaults),
// so that a plan does not announce changes the import will not make.
func normalizeArticle(a article.Article) article.Article {
	a.Title = strings.Join(strings.Fields(a.Title), " ")
	a.Category = strings.Join(strings.Fields(a.Category), " ")
	a.OwnerEmail = strings.ToLower(strings.TrimSpace(a.OwnerEmail))
	a.Body = strings.TrimRight(strings.ReplaceAll(a.Body, "\r\n", "\n"), " \n")
	if a.Kind == "" {
		a.Kind = article.KindArticle
	}
	if a.Audience == "" {
		a.Audience = article.AudienceEveryone
	}
	if a.Status == "" {
		a.Status = article.StatusPublished
	}
	var tags []string
	for _, t := range a.Tags {
		if t = strings.Join(strings.Fields(strings.ReplaceAll(t, ",", " ")), " "); t != "" && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	a.Tags = tags
	return a
}
