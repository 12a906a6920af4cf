package pack

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"majordome/internal/article"
	"majordome/internal/request"
	"majordome/internal/valid"
)

// A pack carries the files of its articles (images, PDF, office documents…) beside its
// Markdown: an export writes each article's files in files/SLUG/NAME and links to them with
// that relative path, "![plan](files/demenagement-bureaux/plan.png)", so that the pack reads
// well on a disk or a forge. An import stores with an article every file of its folder
// files/SLUG/ and every file its text links to (relative to the Markdown file, wherever it is
// in the pack), under the rules of the article files (10 Mo, the kinds the desk accepts), and
// turns the links back into the files' addresses, /bible/SLUG/files/ID. A checklist carries no
// file: it may link to one of an article of the pack.

// filesDir is the pack folder of the articles' files: files/SLUG/NAME.
const filesDir = "files/"

// attachmentExts are the files other than images that an article carries: those the desk
// accepts (request.ReadFile checks the bytes).
var attachmentExts = map[string]bool{".pdf": true, ".bmp": true, ".heic": true, ".csv": true, ".txt": true,
	".zip": true, ".docx": true, ".xlsx": true, ".pptx": true, ".odt": true, ".ods": true, ".odp": true,
	".doc": true, ".xls": true, ".ppt": true}

// isCarried reports whether a pack file of that name is a file of an article (an image or an
// attachment), by its extension.
func isCarried(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return imageExts[ext] || attachmentExts[ext]
}

var (
	// fileLinkRe finds the destination of inline links and images: "](dest" or "](<dest>".
	fileLinkRe = regexp.MustCompile(`\]\(\s*(<[^<>\n]*>|[^\s()<>]+)`)
	// fileRefRe finds the destination of a reference definition: "[name]: dest".
	fileRefRe = regexp.MustCompile(`^(\s{0,3}\[[^\]]+\]:\s*)(<[^<>\n]*>|\S+)`)
	// instanceFileRe finds the address of an article's file: "/bible/SLUG/files/ID", the slug of
	// the address not mattering.
	instanceFileRe = regexp.MustCompile(`^/bible/[a-z0-9]+(?:-[a-z0-9]+)*/files/([0-9]+)$`)
)

// eachDest calls fn on the destination of every link and image of md outside code blocks,
// with the index of its line, and returns md with the destinations fn returned.
func eachDest(md string, fn func(line int, dest string) string) string {
	return eachLine(md, func(i int, l string) string {
		l = fileLinkRe.ReplaceAllStringFunc(l, func(m string) string {
			p := fileLinkRe.FindStringSubmatchIndex(m)
			return m[:p[2]] + fn(i, m[p[2]:p[3]]) + m[p[3]:]
		})
		if p := fileRefRe.FindStringSubmatchIndex(l); p != nil {
			l = l[:p[4]] + fn(i, l[p[4]:p[5]]) + l[p[5]:]
		}
		return l
	})
}

// packTarget returns the path in the pack that dest, a link of the file at from, leads to when
// it is a relative link to a carried file ("files/x/plan.png", "./plan%20RDC.png",
// "<plan RDC.png>"); ok is false for any other link (a page, an address, a URL). inside is
// false when the path would leave the pack.
func packTarget(from, dest string) (target string, inside, ok bool) {
	d := strings.TrimSuffix(strings.TrimPrefix(dest, "<"), ">")
	if i := strings.IndexAny(d, "#?"); i >= 0 {
		d = d[:i]
	}
	if d == "" || strings.HasPrefix(d, "/") || strings.Contains(d, ":") || strings.Contains(d, `\`) || !isCarried(d) {
		return "", false, false
	}
	if u, err := url.PathUnescape(d); err == nil {
		d = u
	}
	p := path.Join(path.Dir(from), d)
	if p == ".." || strings.HasPrefix(p, "../") {
		return d, false, true
	}
	return p, true, true
}

// carried is a file of the pack, checked under the article files' rules.
type carried struct {
	path   string
	upload article.Upload
	err    error // why the rules refuse it, nil when it is good
}

// entryFile is a file an article carries, from the pack.
type entryFile struct {
	path   string
	upload article.Upload
}

// fileProblem turns the refusal of a file by the article files' rules into a problem of the
// file (and line) that refers to it.
func fileProblem(file string, line int, target string, err error) Problem {
	p := Problem{File: file, Line: line, Params: map[string]string{"target": target}}
	var tl *request.TooLargeError
	var ve valid.Errors
	switch {
	case errors.As(err, &tl):
		p.Code = "file_too_large"
		p.Params["max"] = fmt.Sprintf("%d Mo", tl.Limit>>20)
	case errors.As(err, &ve) && len(ve) > 0 && ve[0].Code == "attachment_empty":
		p.Code = "file_empty"
	default:
		p.Code = "file_type"
	}
	return p
}

// resolveFiles finds the files each article of the pack carries and checks them, and checks
// the links of the checklists to files: each must be a file an article of the pack carries.
// It returns the files of the pack that no article carries, which are not imported.
func resolveFiles(src *Source, p parsed, probs *Problems) (unused []string) {
	byPath := map[string]*carried{}
	for _, f := range src.Files {
		if isCarried(f.Path) {
			c := &carried{path: f.Path}
			rf, err := request.ReadFile(path.Base(f.Path), bytes.NewReader(f.Data))
			c.upload = article.Upload{Name: rf.Name, ContentType: rf.ContentType, SHA256: rf.SHA256, Data: rf.Data}
			c.err = err
			byPath[f.Path] = c
		}
	}
	// Files the reading refused (too large, say) are not in the source: their links say why
	// rather than that they are missing.
	refused := map[string]Problem{}
	for _, sp := range src.Problems {
		if sp.File != "" {
			refused[sp.File] = sp
		}
	}
	articles := map[string]*Entry{}
	for i := range p.entries {
		if e := &p.entries[i]; e.Kind != KindChecklist {
			articles[e.Slug] = e
		}
	}
	// owner is the article whose folder files/SLUG/ holds a file.
	owner := func(fp string) *Entry {
		rest, ok := strings.CutPrefix(fp, filesDir)
		if !ok {
			return nil
		}
		slug, _, ok := strings.Cut(rest, "/")
		if !ok {
			return nil
		}
		return articles[slug]
	}
	add := func(e *Entry, c *carried) {
		for _, f := range e.files {
			if f.path == c.path {
				return
			}
		}
		e.files = append(e.files, entryFile{path: c.path, upload: c.upload})
	}
	used := map[string]bool{}
	paths := make([]string, 0, len(byPath))
	for fp := range byPath {
		paths = append(paths, fp)
	}
	sort.Strings(paths)
	for _, fp := range paths {
		c := byPath[fp]
		if e := owner(fp); e != nil {
			used[fp] = true
			if c.err != nil {
				*probs = append(*probs, fileProblem(fp, 0, path.Base(fp), c.err))
				continue
			}
			add(e, c)
		}
	}
	check := func(e *Entry, line int, dest string, checklist bool) {
		target, inside, ok := packTarget(e.File, dest)
		if !ok {
			return
		}
		c := byPath[target]
		switch {
		case !inside || c == nil:
			if sp, was := refused[target]; was && inside {
				if sp.Code == "too_large" {
					probs.add(e.File, line, "file_too_large", "target", target, "max", sp.Params["max"])
				} else {
					probs.add(e.File, line, "file_type", "target", target)
				}
				return
			}
			probs.add(e.File, line, "broken_file", "target", target)
		case c.err != nil:
			used[target] = true
			if owner(target) == nil { // an owned file is reported on its own path already
				*probs = append(*probs, fileProblem(e.File, line, target, c.err))
			}
		case checklist:
			used[target] = true
			if owner(target) == nil {
				probs.add(e.File, line, "file_not_carried", "target", target)
			}
		default:
			used[target] = true
			add(e, c)
		}
	}
	for i := range p.entries {
		e := &p.entries[i]
		if e.Kind != KindChecklist {
			eachDest(e.Article.Body, func(line int, dest string) string {
				check(e, e.src.bodyLine+line, dest, false)
				return dest
			})
			sort.Slice(e.files, func(a, b int) bool { return e.files[a].path < e.files[b].path })
			continue
		}
		eachDest(e.Template.Description, func(line int, dest string) string {
			check(e, e.src.bodyLine+line, dest, true)
			return dest
		})
		for j := range e.Template.Tasks {
			line := e.src.line(fmt.Sprintf("$.tasks[%d].details", j))
			eachDest(e.Template.Tasks[j].Details, func(_ int, dest string) string {
				check(e, line, dest, true)
				return dest
			})
		}
	}
	for _, fp := range paths {
		if !used[fp] {
			unused = append(unused, fp)
		}
	}
	return unused
}

// fileLinks turns the links of md (a file of the pack at from) to carried files into their
// addresses in the bible, through ids: the pack path of each file stored, with its article.
func fileLinks(md, from string, ids map[string]fileRef) string {
	return eachDest(md, func(_ int, dest string) string {
		target, inside, ok := packTarget(from, dest)
		if !ok || !inside {
			return dest
		}
		if r, ok := ids[target]; ok {
			return "/bible/" + r.slug + "/files/" + strconv.FormatInt(r.id, 10)
		}
		return dest
	})
}

// fileRef is a file stored in the bible: its article's slug and its id.
type fileRef struct {
	slug string
	id   int64
}

// exportName is the name of a file in a pack: its name, with anything but letters, digits,
// dots, hyphens and underscores turned into hyphens (so that a link needs no escaping), and
// an extension that the pack carries.
func exportName(f article.File) string {
	name := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, f.Filename)
	name = strings.Trim(name, ".-")
	if name == "" {
		name = "fichier"
	}
	if !isCarried(name) {
		if ext, ok := typeExts[strings.TrimSpace(strings.Split(f.ContentType, ";")[0])]; ok {
			name += ext
		}
	}
	return name
}

// typeExts gives an extension to a file whose name has none the pack carries.
var typeExts = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
	"image/webp": ".webp", "image/bmp": ".bmp", "image/heic": ".heic", "application/pdf": ".pdf",
	"text/plain": ".txt", "text/csv": ".csv", "application/zip": ".zip", "application/msword": ".doc",
	"application/vnd.ms-excel": ".xls", "application/vnd.ms-powerpoint": ".ppt",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
	"application/vnd.oasis.opendocument.text":                                   ".odt",
	"application/vnd.oasis.opendocument.spreadsheet":                            ".ods",
	"application/vnd.oasis.opendocument.presentation":                           ".odp"}

// uniqueName returns name, or name-2.ext, name-3.ext… when taken already (regardless of case,
// for the disks that ignore it).
func uniqueName(name string, taken map[string]bool) string {
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	out := name
	for n := 2; taken[strings.ToLower(out)]; n++ {
		out = fmt.Sprintf("%s-%d%s", base, n, ext)
	}
	taken[strings.ToLower(out)] = true
	return out
}

// toPackFiles turns the addresses of the bible's files in md into their paths in the pack;
// other links stay as they are.
func toPackFiles(md string, paths map[int64]string) string {
	return eachDest(md, func(_ int, dest string) string {
		m := instanceFileRe.FindStringSubmatch(dest)
		if m == nil {
			return dest
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		if p, ok := paths[id]; ok {
			return p
		}
		return dest
	})
}
