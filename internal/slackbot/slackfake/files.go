package slackfake

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// File is a file shared in the fake workspace: files.info describes it, and its
// url_private_download serves Data to the bot token, as files.slack.com does.
type File struct {
	ID       string // "F…"
	Name     string // the file name, with its extension
	Mimetype string // as the sender's client claimed it
	Data     []byte
}

// DownloadMethod is the name under which Calls records the downloads of files, and which Fail
// and DropAnswer accept to make them fail.
const DownloadMethod = "files.download"

// AddFile stores f and returns it as Slack describes it in a message event's "files" and in
// files.info.
func (s *Server) AddFile(f File) slack.File {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[f.ID] = f
	return s.slackFile(f)
}

// slackFile is f as Slack's API shows it, its URLs on the fake.
func (s *Server) slackFile(f File) slack.File {
	base := s.srv.URL + "/files-pri/" + TeamID + "-" + f.ID
	name := url.PathEscape(f.Name)
	return slack.File{ID: f.ID, Name: f.Name, Title: f.Name, Mimetype: f.Mimetype, Size: len(f.Data), Mode: "hosted",
		Created:    slack.JSONTime(time.Now().Unix()),
		URLPrivate: base + "/" + name, URLPrivateDownload: base + "/download/" + name}
}

// fileInfo answers files.info, under s.mu.
func (s *Server) fileInfo(p map[string]string) any {
	f, ok := s.files[p["file"]]
	if !ok {
		return errorAnswer("file_not_found")
	}
	return map[string]any{"ok": true, "file": s.slackFile(f)}
}

// serveFile serves a file's bytes to the bot token: without it (or with another token) Slack
// answers with its sign-in page, here a 403.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	id := strings.TrimPrefix(r.PathValue("key"), TeamID+"-")
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: DownloadMethod, Token: token, Params: map[string]string{"file": id}, At: time.Now()})
	if f := s.failures[DownloadMethod]; f != nil && f.n != 0 {
		if f.n > 0 {
			f.n--
		}
		s.mu.Unlock()
		if f.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
		}
		http.Error(w, http.StatusText(f.status), f.status)
		return
	}
	f, ok := s.files[id]
	s.mu.Unlock()
	switch {
	case !strings.HasPrefix(token, "xoxb-") || (s.BotToken != "" && token != s.BotToken):
		http.Error(w, "sign in", http.StatusForbidden)
	case !ok || r.PathValue("name") != f.Name:
		http.NotFound(w, r)
	default:
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(f.Data)
	}
}
