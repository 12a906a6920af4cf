package pack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"majordome/internal/article"
	"majordome/internal/checklist"
)

// exportTime is the modification time written in exported zips, so that the same bible gives
// the same bytes.
var exportTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Export returns every article, reply template and checklist template of the bible as the
// files of a pack, with meta as its pack.yaml: one SLUG.md per entry, links between them
// converted back to file names, the files of each article in files/SLUG/ and the links to
// them converted to those paths, sorted by path. The same bible always gives the same bytes.
func (s *Service) Export(ctx context.Context, meta Meta) ([]SourceFile, error) {
	in, err := s.instance(ctx)
	if err != nil {
		return nil, err
	}
	known := slugKinds{articles: map[string]bool{}, checklists: map[string]bool{}}
	for slug := range in.articles {
		known.articles[slug] = true
	}
	for slug := range in.templates {
		if known.articles[slug] {
			return nil, fmt.Errorf("pack: export: %q is both an article and a checklist; rename one of them", slug)
		}
		known.checklists[slug] = true
	}
	m, err := yaml.Marshal(meta)
	if err != nil {
		return nil, fmt.Errorf("pack: export: %w", err)
	}
	files := []SourceFile{{Path: "pack.yaml", Data: m}}
	paths := map[int64]string{} // the bible's files, by id: their paths in the pack
	for _, a := range in.articles {
		fs, data, err := s.articles.FilesWithData(ctx, a)
		if err != nil {
			return nil, fmt.Errorf("pack: export: %w", err)
		}
		taken := map[string]bool{}
		for i, f := range fs {
			p := filesDir + a.Slug + "/" + uniqueName(exportName(f), taken)
			paths[f.ID] = p
			files = append(files, SourceFile{Path: p, Data: data[i]})
		}
	}
	for _, a := range in.articles {
		a.Body = toPackFiles(a.Body, paths)
		b, err := encodeArticle(a, known)
		if err != nil {
			return nil, err
		}
		files = append(files, SourceFile{Path: a.Slug + ".md", Data: b})
	}
	for _, t := range in.templates {
		t.Description = toPackFiles(t.Description, paths)
		t.Tasks = slices.Clone(t.Tasks)
		for i := range t.Tasks {
			t.Tasks[i].Details = toPackFiles(t.Tasks[i].Details, paths)
		}
		b, err := encodeTemplate(t, known)
		if err != nil {
			return nil, err
		}
		files = append(files, SourceFile{Path: t.Slug + ".md", Data: b})
	}
	src := &Source{Files: files}
	src.reroot() // sorts
	return src.Files, nil
}

// encodeArticle writes a as a pack file: its front matter, then its Markdown.
func encodeArticle(a article.Article, known slugKinds) ([]byte, error) {
	f := articleFront{Type: a.Kind, Title: a.Title, Category: a.Category, Tags: a.Tags, Audience: a.Audience,
		Status: a.Status, Owner: a.OwnerEmail, VerifiedUntil: a.VerifiedUntil.String()}
	return encode(a.Slug, f, toPack(a.Body, known))
}

// encodeTemplate writes t as a pack file: its front matter with its tasks, then its
// description.
func encodeTemplate(t checklist.Template, known slugKinds) ([]byte, error) {
	f := checklistFront{Type: KindChecklist, Title: t.Title, Anchor: t.Anchor, Recurrence: t.Recurrence,
		RecurrenceDay: t.RecurrenceDay}
	for _, k := range t.Tasks {
		f.Tasks = append(f.Tasks, taskFront{Title: k.Title, Offset: k.Offset, OffsetEnd: k.OffsetEnd, Unit: k.Unit,
			Owner: k.Owner, Details: toPack(k.Details, known), Article: k.ArticleSlug})
	}
	return encode(t.Slug, f, toPack(t.Description, known))
}

func encode(slug string, front any, body string) ([]byte, error) {
	fm, err := yaml.MarshalWithOptions(front, yaml.UseLiteralStyleIfMultiline(true), yaml.IndentSequence(true))
	if err != nil {
		return nil, fmt.Errorf("pack: export %s: %w", slug, err)
	}
	var b bytes.Buffer
	b.WriteString("---\n")
	b.Write(fm)
	b.WriteString("---\n")
	if body != "" {
		b.WriteString(body)
		b.WriteString("\n")
	}
	return b.Bytes(), nil
}

// WriteDir writes files into dir, which must not exist or be empty: an export never mixes with
// older files.
func WriteDir(dir string, files []SourceFile) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("pack: %s is not empty; export into a new folder", dir)
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// WriteZip writes files as a new zip file at p (which must not exist).
func WriteZip(p string, files []SourceFile) error {
	b, err := zipBytes(files)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// IsZipPath reports whether p names a zip file rather than a folder.
func IsZipPath(p string) bool { return strings.EqualFold(filepath.Ext(p), ".zip") }
