package pack

import (
	"regexp"
	"sort"
	"strings"
)

// In a pack, a link to another article or checklist is written with its file name,
// "[la DPAE](dpae.md)", so that it works when the pack is read on disk or on a forge; in
// Majordome it is the page's address, "[la DPAE](/bible/dpae)". The pack converts both ways.

// checklistPath is the address of a checklist template's page.
const checklistPath = "/bible/checklists/"

var (
	// packLinkRe finds "](name.md)" and "](./name.md#part)" inline links.
	packLinkRe = regexp.MustCompile(`\]\(\s*(?:\./)?([^()\s#/:]+)\.md(#[^)\s]*)?\s*\)`)
	// packRefRe finds "[name]: name.md" reference definitions.
	packRefRe = regexp.MustCompile(`^(\s{0,3}\[[^\]]+\]:\s*)(?:\./)?([^\s#/:]+)\.md(#\S*)?`)
	// instanceLinkRe finds "](/bible/slug)" and "](/bible/checklists/slug#part)".
	instanceLinkRe = regexp.MustCompile(`\]\(/bible/(checklists/)?([a-z0-9]+(?:-[a-z0-9]+)*)(#[^)\s]*)?\)`)
	instanceRefRe  = regexp.MustCompile(`^(\s{0,3}\[[^\]]+\]:\s*)/bible/(checklists/)?([a-z0-9]+(?:-[a-z0-9]+)*)(#\S*)?`)
)

// slugKinds tells whether a slug is an article (or reply template) or a checklist.
type slugKinds struct {
	articles, checklists map[string]bool
}

func (k slugKinds) path(slug string) (string, bool) {
	switch {
	case k.articles[slug]:
		return "/bible/" + slug, true
	case k.checklists[slug]:
		return checklistPath + slug, true
	}
	return "", false
}

// eachLine calls fn on every line of md outside fenced code blocks, with its index, and
// returns the text with the lines fn returned.
func eachLine(md string, fn func(i int, line string) string) string {
	lines := strings.Split(md, "\n")
	fence := ""
	for i, l := range lines {
		t := strings.TrimLeft(l, " ")
		if fence == "" && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")) {
			fence = t[:3]
			continue
		}
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			continue
		}
		lines[i] = fn(i, l)
	}
	return strings.Join(lines, "\n")
}

// toInstance converts the pack links of md to addresses; broken receives the index of the
// line and the name of every link to a file that is neither in the pack nor in the bible.
func toInstance(md string, known slugKinds, broken func(line int, name string)) string {
	return eachLine(md, func(i int, l string) string {
		l = packLinkRe.ReplaceAllStringFunc(l, func(m string) string {
			p := packLinkRe.FindStringSubmatch(m)
			target, ok := known.path(p[1])
			if !ok {
				broken(i, p[1]+".md")
				return m
			}
			return "](" + target + p[2] + ")"
		})
		if p := packRefRe.FindStringSubmatch(l); p != nil {
			target, ok := known.path(p[2])
			if !ok {
				broken(i, p[2]+".md")
				return l
			}
			l = p[1] + target + p[3] + l[len(p[0]):]
		}
		return l
	})
}

// toPack converts the addresses of md that lead to known articles and checklists back to file
// names. Links to pages that are not exported stay as they are.
func toPack(md string, known slugKinds) string {
	ok := func(isChecklist bool, slug string) bool {
		if isChecklist {
			return known.checklists[slug]
		}
		return known.articles[slug]
	}
	return eachLine(md, func(_ int, l string) string {
		l = instanceLinkRe.ReplaceAllStringFunc(l, func(m string) string {
			p := instanceLinkRe.FindStringSubmatch(m)
			if !ok(p[1] != "", p[2]) {
				return m
			}
			return "](" + p[2] + ".md" + p[3] + ")"
		})
		if p := instanceRefRe.FindStringSubmatch(l); p != nil && ok(p[2] != "", p[3]) {
			l = p[1] + p[3] + ".md" + p[4] + l[len(p[0]):]
		}
		return l
	})
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
