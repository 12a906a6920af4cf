// Package markdown turns what people type (request descriptions, replies, notes) into safe HTML:
// GitHub-flavoured Markdown with hard line breaks, because replies are typed like chat messages,
// then sanitised, so that nothing a person writes can run in another person's browser.
//
// Three layers keep it safe: goldmark drops raw HTML and dangerous link schemes, a transformer
// turns images from other hosts into plain links (a remote image would tell its host who reads
// the message, and the CSP would block it anyway), and bluemonday's UGC policy has the last word
// on every element, attribute and URL.
package markdown

import (
	"bytes"
	"fmt"
	"html/template"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"majordome/internal/fold"
)

// md and policy are built once and only read afterwards: goldmark's Markdown and a finished
// bluemonday Policy are safe for concurrent use.
var (
	md = goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify, extension.TaskList),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(localImages{}, 100))),
		// No html.WithUnsafe: raw HTML is replaced by a comment, which the policy then drops.
		goldmark.WithRendererOptions(html.WithHardWraps()),
	)
	policy = newPolicy()
)

// newPolicy is bluemonday's policy for user content, with links that open in a new tab without
// handing the new page a reference to ours, and the disabled checkboxes of task lists.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true) // adds rel="noopener" too
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")
	return p
}

// Render returns src as sanitised HTML, ready for a template. Empty or blank text renders as
// nothing.
func Render(src string) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		// goldmark writes to a buffer, which cannot fail; should it ever, the text is still shown.
		return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>")
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes()))
}

// localImages replaces every image whose address is not a path on this site with a link to
// it, labelled with the image's text.
type localImages struct{}

func (localImages) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	var remote []*ast.Image
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering && !isLocal(string(img.Destination)) {
			remote = append(remote, img)
		}
		return ast.WalkContinue, nil
	})
	for _, img := range remote {
		link := ast.NewLink()
		link.Destination, link.Title = img.Destination, img.Title
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			link.AppendChild(link, c)
			c = next
		}
		if !link.HasChildren() {
			link.AppendChild(link, ast.NewString(img.Destination))
		}
		img.Parent().ReplaceChild(img.Parent(), img, link)
	}
}

// isLocal reports whether dest is a path on this site: "/requests/1042/attachments/7", not
// "//host/x.png" nor "https://host/x.png".
func isLocal(dest string) bool {
	return strings.HasPrefix(dest, "/") && !strings.HasPrefix(dest, "//") && !strings.HasPrefix(dest, "/\\")
}

// Heading is an entry of a document's table of contents: a level 2 or 3 heading, its text and
// the id its element carries, to link to ("#s-code-du-wifi").
type Heading struct {
	Level int
	Text  string
	ID    string
}

// RenderDoc is Render for a long document, such as an article of the bible: its level 2 and 3
// headings get ids ("s-" and their words, unique in the document) and are returned in order,
// for a table of contents.
func RenderDoc(src string) (template.HTML, []Heading) {
	if strings.TrimSpace(src) == "" {
		return "", nil
	}
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))
	var toc []Heading
	used := map[string]bool{}
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !ok || !entering || h.Level < 2 || h.Level > 3 {
			return ast.WalkContinue, nil
		}
		label := strings.Join(strings.Fields(plainText(h, source)), " ")
		id := headingID(label, used)
		h.SetAttributeString("id", []byte(id))
		toc = append(toc, Heading{Level: h.Level, Text: label, ID: id})
		return ast.WalkSkipChildren, nil
	})
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, source, doc); err != nil {
		return Render(src), nil
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())), toc
}

// plainText is the text of n's inline children.
func plainText(n ast.Node, source []byte) string {
	var b strings.Builder
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(source))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// headingID makes a unique id from a heading's text: "Code du Wi-Fi" → "s-code-du-wi-fi". The
// prefix keeps it clear of the page's own ids.
func headingID(label string, used map[string]bool) string {
	var b strings.Builder
	b.WriteString("s")
	dash := true
	for _, r := range fold.Key(label) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
		if b.Len() > 60 {
			break
		}
	}
	id := b.String()
	for i := 2; used[id]; i++ {
		id = fmt.Sprintf("%s-%d", b.String(), i)
	}
	used[id] = true
	return id
}
