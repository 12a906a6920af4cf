package pack

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

// Limits of a pack, so that a shared file cannot exhaust the server's memory.
const (
	maxFiles     = 1000
	maxText      = 1 << 20  // one Markdown or YAML file
	maxImage     = 10 << 20 // one image or other file of an article (request.MaxAttachmentSize)
	maxTotal     = 50 << 20 // everything, uncompressed
	maxZipOnDisk = 50 << 20 // the zip file itself
)

// imageExts are the images a pack may carry beside its Markdown (attachmentExts the other
// files of its articles).
var imageExts = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".svg": true}

// Source is a pack's files as read from a folder, a zip or an embedded tree: paths relative to
// the pack's root (the folder of pack.yaml), with slashes, sorted.
type Source struct {
	Files []SourceFile
	// Problems are the files refused while reading (a path escaping the pack, a file too large
	// or of a refused type). A Source with problems is refused whole.
	Problems Problems
}

// SourceFile is one file of a pack.
type SourceFile struct {
	Path string
	Data []byte
}

// ReadFS reads a pack from fsys, rooted at its pack.yaml (or at the only folder holding one).
func ReadFS(fsys fs.FS) (*Source, error) {
	src := &Source{}
	var total int64
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && skipped(p) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			src.Problems.add(p, 0, "not_regular")
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !src.admit(p, info.Size(), &total) {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		src.Files = append(src.Files, SourceFile{Path: p, Data: b})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pack: read: %w", err)
	}
	src.reroot()
	return src, nil
}

// ReadDir reads the pack in the folder dir.
func ReadDir(dir string) (*Source, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("pack: %s is not a folder", dir)
	}
	return ReadFS(os.DirFS(dir))
}

// ReadPath reads a pack from a folder, or from a file ending in .zip.
func ReadPath(p string) (*Source, error) {
	if strings.EqualFold(path.Ext(p), ".zip") {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			return nil, err
		}
		return ReadZip(f, info.Size())
	}
	return ReadDir(p)
}

// ErrZipTooLarge is returned for a zip file above 50 MB.
var ErrZipTooLarge = errors.New("pack: the zip file is larger than 50 MB")

// ErrNotZip is returned for a file that is not a zip archive.
var ErrNotZip = errors.New("pack: not a zip file")

// ReadZip reads a pack from a zip archive of size bytes. It never writes to disk; paths that
// would escape the pack (zip-slip: "../x", "/etc/x", "C:\x"), links, files of other types and
// files above the limits are problems of the Source, which refuse the pack whole.
func ReadZip(r io.ReaderAt, size int64) (*Source, error) {
	if size > maxZipOnDisk {
		return nil, ErrZipTooLarge
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotZip, err)
	}
	src := &Source{}
	if len(zr.File) > maxFiles*2 {
		src.Problems.add("", 0, "too_many_files", "max", fmt.Sprint(maxFiles))
		return src, nil
	}
	var total int64
	for _, f := range zr.File {
		name := f.Name
		if strings.HasSuffix(name, "/") && f.Mode().IsDir() {
			continue
		}
		if !safePath(name) {
			src.Problems.add(name, 0, "unsafe_path")
			continue
		}
		if skipped(name) {
			continue
		}
		if !f.Mode().IsRegular() {
			src.Problems.add(name, 0, "not_regular")
			continue
		}
		if f.UncompressedSize64 > maxTotal || !src.admit(name, int64(f.UncompressedSize64), &total) {
			if f.UncompressedSize64 > maxTotal {
				src.Problems.add(name, 0, "too_large", "max", "50 Mo")
			}
			continue
		}
		b, err := readZipFile(f, limitFor(name))
		if err != nil {
			src.Problems.add(name, 0, "unreadable")
			continue
		}
		src.Files = append(src.Files, SourceFile{Path: name, Data: b})
	}
	src.reroot()
	return src, nil
}

// readZipFile reads at most limit bytes of f: the size a zip declares may be a lie.
func readZipFile(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errors.New("larger than declared")
	}
	return b, nil
}

// safePath reports whether a zip entry's name stays inside the pack.
func safePath(name string) bool {
	if name == "" || strings.ContainsAny(name, "\\\x00") || strings.HasPrefix(name, "/") ||
		(len(name) > 1 && name[1] == ':') {
		return false
	}
	return fs.ValidPath(strings.TrimSuffix(name, "/"))
}

// skipped reports whether a path is one a pack ignores: hidden files and folders (.git,
// .DS_Store), the __MACOSX folder of zips made on a Mac, and README files, which describe the
// pack to people.
func skipped(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if strings.HasPrefix(part, ".") || part == "__MACOSX" {
			return true
		}
	}
	return strings.EqualFold(path.Base(p), "README.md")
}

func limitFor(p string) int64 {
	if isCarried(p) {
		return maxImage
	}
	return maxText
}

// admit checks a file's type and size before it is read, recording why it is refused.
func (src *Source) admit(p string, size int64, total *int64) bool {
	ext := strings.ToLower(path.Ext(p))
	if ext != ".md" && ext != ".yaml" && ext != ".yml" && !isCarried(p) {
		src.Problems.add(p, 0, "bad_file_type")
		return false
	}
	if len(src.Files) >= maxFiles {
		if !src.hasProblem("too_many_files") {
			src.Problems.add("", 0, "too_many_files", "max", fmt.Sprint(maxFiles))
		}
		return false
	}
	if limit := limitFor(p); size > limit {
		src.Problems.add(p, 0, "too_large", "max", fmt.Sprintf("%d Mo", limit>>20))
		return false
	}
	*total += size
	if *total > maxTotal {
		if !src.hasProblem("too_large_total") {
			src.Problems.add("", 0, "too_large_total", "max", "50 Mo")
		}
		return false
	}
	return true
}

func (src *Source) hasProblem(code string) bool {
	for _, p := range src.Problems {
		if p.Code == code {
			return true
		}
	}
	return false
}

// reroot makes paths relative to the folder of pack.yaml when the whole pack sits in one
// folder (a zip of "demarrage/…"), and sorts the files.
func (src *Source) reroot() {
	has := func(name string) bool {
		for _, f := range src.Files {
			if f.Path == name {
				return true
			}
		}
		return false
	}
	if !has("pack.yaml") {
		var root string
		for _, f := range src.Files {
			if path.Base(f.Path) == "pack.yaml" && strings.Count(f.Path, "/") == 1 {
				root = path.Dir(f.Path) + "/"
				break
			}
		}
		inside := root != ""
		for _, f := range src.Files {
			inside = inside && strings.HasPrefix(f.Path, root)
		}
		if inside {
			for i := range src.Files {
				src.Files[i].Path = strings.TrimPrefix(src.Files[i].Path, root)
			}
			for i := range src.Problems {
				src.Problems[i].File = strings.TrimPrefix(src.Problems[i].File, root)
			}
		}
	}
	sort.Slice(src.Files, func(i, j int) bool { return src.Files[i].Path < src.Files[j].Path })
}

// zipBytes is a helper for writing packs as zips (export and tests).
func zipBytes(files []SourceFile) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Path, Method: zip.Deflate, Modified: exportTime})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
