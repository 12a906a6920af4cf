// Package packs holds the packs of articles and checklists shipped with Majordome, such as the
// French starter pack offered on first start. Each pack is a folder of Markdown files with YAML
// front matter and a pack.yaml, in the format README.md describes; internal/pack reads them.
package packs

import (
	"embed"
	"io/fs"
)

//go:embed demarrage
var embedded embed.FS

// Starter is the French starter pack ("Pack de démarrage"), rooted at its pack.yaml.
func Starter() fs.FS {
	sub, err := fs.Sub(embedded, "demarrage")
	if err != nil {
		panic(err) // the folder is embedded above: it is always there
	}
	return sub
}
