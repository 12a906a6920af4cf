package pack

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"majordome/internal/article"
	"majordome/internal/checklist"
	"majordome/internal/civil"
)

// articleFront is the front matter of an article or a reply template. Field order is the order
// an export writes them in.
type articleFront struct {
	Type          string   `yaml:"type"`
	Title         string   `yaml:"title"`
	Category      string   `yaml:"category,omitempty"`
	Tags          []string `yaml:"tags,omitempty,flow"`
	Audience      string   `yaml:"audience,omitempty"`
	Status        string   `yaml:"status,omitempty"`
	Owner         string   `yaml:"owner,omitempty"`
	VerifiedUntil string   `yaml:"verified_until,omitempty"`
}

// checklistFront is the front matter of a checklist template.
type checklistFront struct {
	Type          string      `yaml:"type"`
	Title         string      `yaml:"title"`
	Anchor        string      `yaml:"anchor"`
	Recurrence    string      `yaml:"recurrence,omitempty"`
	RecurrenceDay string      `yaml:"recurrence_day,omitempty"`
	Tasks         []taskFront `yaml:"tasks"`
}

type taskFront struct {
	Title     string `yaml:"title"`
	Offset    int    `yaml:"offset"`
	OffsetEnd int    `yaml:"offset_end,omitempty"`
	Unit      string `yaml:"unit"`
	Owner     string `yaml:"owner"`
	Details   string `yaml:"details,omitempty"`
	Article   string `yaml:"article,omitempty"`
}

// front is a file's front matter as parsed, kept to find the line of a field.
type front struct {
	file     string
	ast      *ast.File
	bodyLine int // the file's line where the body starts
}

// line returns the file line of the YAML path ("$.tasks[2].unit"), or 1 (the opening "---")
// when the field is absent.
func (f *front) line(p string) int {
	if f == nil || f.ast == nil {
		return 0
	}
	yp, err := yaml.PathString(p)
	if err != nil {
		return 1
	}
	n, err := yp.FilterFile(f.ast)
	if err != nil || n == nil || n.GetToken() == nil {
		return 1
	}
	return n.GetToken().Position.Line + 1 // the front matter starts on the file's line 2
}

// fieldLine maps a field of the article or checklist rules ("owner_email", "tasks[2].unit") to
// the file line that holds it.
func (f *front) fieldLine(field string) int {
	switch field {
	case "body", "description":
		return f.bodyLine
	case "owner_email":
		field = "owner"
	case "kind":
		field = "type"
	}
	field = strings.Replace(field, "article_slug", "article", 1)
	if l := f.line("$." + field); l > 1 {
		return l
	}
	// A task field that was left out: the task itself.
	if i := strings.LastIndex(field, "]."); i > 0 {
		return f.line("$." + field[:i+1])
	}
	return 1
}

// parse reads every file of src into entries, collecting every problem. Links are checked and
// converted later, once every slug of the pack is known.
func parse(src *Source) parsed {
	probs := slices.Clone(src.Problems)
	var meta Meta
	var entries []Entry
	var failed []string
	seen := map[string]string{} // slug → file
	hasMeta := false
	for _, f := range src.Files {
		ext := strings.ToLower(path.Ext(f.Path))
		switch {
		case f.Path == "pack.yaml":
			hasMeta = true
			if err := yaml.UnmarshalWithOptions(f.Data, &meta, yaml.DisallowUnknownField()); err != nil {
				probs = append(probs, yamlProblem(f.Path, err, 0))
			} else if strings.TrimSpace(meta.Name) == "" {
				probs.add(f.Path, 1, "required", "field", "name")
			}
		case ext == ".yaml" || ext == ".yml":
			probs.add(f.Path, 0, "stray_yaml")
		case isCarried(f.Path):
			// A file of an article: resolveFiles finds which.
		default:
			e, ps := parseFile(f)
			probs = append(probs, ps...)
			if e == nil {
				failed = append(failed, strings.TrimSuffix(path.Base(f.Path), path.Ext(f.Path)))
				continue
			}
			if other, dup := seen[e.Slug]; dup {
				probs.add(f.Path, 0, "duplicate_slug", "slug", e.Slug, "other", other)
				continue
			}
			seen[e.Slug] = f.Path
			entries = append(entries, *e)
		}
	}
	if !hasMeta {
		probs.add("", 0, "no_pack_yaml")
	} else if len(entries) == 0 && len(probs) == 0 {
		probs.add("", 0, "empty")
	}
	slices.SortStableFunc(entries, func(a, b Entry) int {
		if (a.Kind == KindChecklist) != (b.Kind == KindChecklist) {
			if a.Kind == KindChecklist {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Slug, b.Slug)
	})
	return parsed{meta: meta, entries: entries, failed: failed, probs: probs}
}

// parsed is what parse read: the entries that could be read, the slugs of the files that could
// not (so that links to them are not reported as broken too), and every problem.
type parsed struct {
	meta    Meta
	entries []Entry
	failed  []string
	probs   Problems
}

// split cuts a Markdown file into its front matter and body: the file must start with a line
// "---", and the front matter ends at the next line "---".
func split(b []byte) (fm []byte, body string, bodyLine int, ok bool) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	if !strings.HasPrefix(s, "---\n") {
		return nil, "", 0, false
	}
	rest := s[4:]
	end := -1
	if strings.HasPrefix(rest, "---\n") || rest == "---" {
		end = 0
	} else if i := strings.Index(rest, "\n---\n"); i >= 0 {
		end = i + 1
	} else if strings.HasSuffix(rest, "\n---") {
		end = len(rest) - 3
	}
	if end < 0 {
		return nil, "", 0, false
	}
	fm = []byte(rest[:end])
	body = strings.TrimPrefix(rest[end:], "---")
	body = strings.TrimPrefix(body, "\n")
	bodyLine = 2 + strings.Count(string(fm), "\n") + 1
	// Blank lines between the front matter and the text are not part of the text.
	for strings.HasPrefix(body, "\n") {
		body = body[1:]
		bodyLine++
	}
	return fm, body, bodyLine, true
}

// parseFile reads one Markdown file of a pack.
func parseFile(f SourceFile) (*Entry, Problems) {
	var probs Problems
	slug := strings.TrimSuffix(path.Base(f.Path), path.Ext(f.Path))
	if path.Ext(f.Path) != ".md" || article.CheckSlug(slug) != nil || checklist.CheckSlug(slug) != nil {
		probs.add(f.Path, 0, "bad_filename")
		return nil, probs
	}
	fm, body, bodyLine, ok := split(f.Data)
	if !ok {
		probs.add(f.Path, 1, "no_front_matter")
		return nil, probs
	}
	tree, err := parser.ParseBytes(fm, 0)
	if err != nil {
		return nil, append(probs, yamlProblem(f.Path, err, 1))
	}
	src := &front{file: f.Path, ast: tree, bodyLine: bodyLine}
	var head struct {
		Type string `yaml:"type"`
	}
	if err := yaml.Unmarshal(fm, &head); err != nil {
		return nil, append(probs, yamlProblem(f.Path, err, 1))
	}
	e := &Entry{File: f.Path, Slug: slug, Kind: head.Type, src: src}
	switch head.Type {
	case KindArticle, KindReplyTemplate:
		var af articleFront
		if err := yaml.UnmarshalWithOptions(fm, &af, yaml.DisallowUnknownField()); err != nil {
			return nil, append(probs, yamlProblem(f.Path, err, 1))
		}
		e.Article = article.Article{Slug: slug, Title: af.Title, Kind: af.Type, Category: af.Category, Tags: af.Tags,
			Audience: af.Audience, Status: af.Status, OwnerEmail: af.Owner, Body: body}
		if af.VerifiedUntil != "" {
			d, err := parseISODate(af.VerifiedUntil)
			if err != nil {
				probs.add(f.Path, src.line("$.verified_until"), "bad_date", "field", "verified_until", "value", af.VerifiedUntil)
			}
			e.Article.VerifiedUntil = d
		}
		if af.Audience != "" && !slices.Contains(article.Audiences, af.Audience) {
			probs.add(f.Path, src.line("$.audience"), "bad_choice", "field", "audience", "value", af.Audience,
				"choices", strings.Join(article.Audiences, ", "))
		}
		if af.Status != "" && !slices.Contains(article.Statuses, af.Status) {
			probs.add(f.Path, src.line("$.status"), "bad_choice", "field", "status", "value", af.Status,
				"choices", strings.Join(article.Statuses, ", "))
		}
	case KindChecklist:
		var cf checklistFront
		if err := yaml.UnmarshalWithOptions(fm, &cf, yaml.DisallowUnknownField()); err != nil {
			return nil, append(probs, yamlProblem(f.Path, err, 1))
		}
		t := checklist.Template{Slug: slug, Title: cf.Title, Description: body, Anchor: cf.Anchor,
			Recurrence: cf.Recurrence, RecurrenceDay: cf.RecurrenceDay}
		for i, k := range cf.Tasks {
			t.Tasks = append(t.Tasks, checklist.Task{Title: k.Title, Offset: k.Offset, OffsetEnd: k.OffsetEnd,
				Unit: k.Unit, Owner: k.Owner, Details: k.Details, ArticleSlug: k.Article})
			at := fmt.Sprintf("$.tasks[%d].", i)
			if k.Unit != "" && !slices.Contains(checklist.Units, k.Unit) {
				probs.add(f.Path, src.line(at+"unit"), "bad_choice", "field", "unit", "value", k.Unit,
					"choices", strings.Join(checklist.Units, ", "))
			}
			if k.Owner != "" && !checklist.ValidOwner(k.Owner) {
				probs.add(f.Path, src.line(at+"owner"), "bad_owner", "value", k.Owner)
			}
		}
		if cf.Anchor != "" && !slices.Contains(checklist.Anchors, cf.Anchor) {
			probs.add(f.Path, src.line("$.anchor"), "bad_choice", "field", "anchor", "value", cf.Anchor,
				"choices", strings.Join(checklist.Anchors, ", "))
		}
		if cf.Recurrence != "" && !slices.Contains(checklist.Recurrences, cf.Recurrence) {
			probs.add(f.Path, src.line("$.recurrence"), "bad_choice", "field", "recurrence", "value", cf.Recurrence,
				"choices", strings.Join(checklist.Recurrences[1:], ", "))
		}
		e.Template = t
	case "":
		probs.add(f.Path, 1, "required", "field", "type")
		return nil, probs
	default:
		probs.add(f.Path, src.line("$.type"), "bad_choice", "field", "type", "value", head.Type,
			"choices", "article, reply_template, checklist")
		return nil, probs
	}
	return e, probs
}

var isoDateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// parseISODate reads YYYY-MM-DD only: a pack is read in every country, where 03/04/2027 means
// two different days.
func parseISODate(s string) (civil.Date, error) {
	if !isoDateRe.MatchString(s) {
		return civil.Date{}, civil.ErrBadDate
	}
	return civil.Parse(s)
}

var quotedRe = regexp.MustCompile(`"([^"]*)"`)

// yamlProblem turns a YAML decoding error into a problem on the file's line; line is the
// file line of the front matter's first line minus one (1 for a Markdown file, 0 for
// pack.yaml).
func yamlProblem(file string, err error, offset int) Problem {
	var ye yaml.Error
	if !errors.As(err, &ye) {
		p := Problem{File: file, Line: offset, Code: "yaml"}
		p.Params = map[string]string{"msg": err.Error()}
		return p
	}
	line := offset
	if tk := ye.GetToken(); tk != nil {
		line = tk.Position.Line + offset
	}
	p := Problem{File: file, Line: line, Params: map[string]string{}}
	var (
		unknown *yaml.UnknownFieldError
		dup     *yaml.DuplicateKeyError
		typ     *yaml.TypeError
	)
	switch {
	case errors.As(err, &unknown):
		p.Code = "unknown_field"
		if m := quotedRe.FindStringSubmatch(unknown.Message); m != nil {
			p.Params["field"] = m[1]
		}
	case errors.As(err, &dup):
		p.Code = "duplicate_field"
		if m := quotedRe.FindStringSubmatch(dup.Message); m != nil {
			p.Params["field"] = m[1]
		}
	case errors.As(err, &typ):
		p.Code = "bad_type"
		if tk := ye.GetToken(); tk != nil {
			p.Params["value"] = tk.Value
		}
	case strings.Contains(ye.GetMessage(), "already defined"):
		p.Code = "duplicate_field"
		if m := quotedRe.FindStringSubmatch(ye.GetMessage()); m != nil {
			p.Params["field"] = m[1]
		}
	default:
		p.Code = "yaml"
		p.Params["msg"] = ye.GetMessage()
	}
	return p
}
