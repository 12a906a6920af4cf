package api_test

import (
	"bytes"
	"mime"
	"mime/multipart"
	"strings"
	"testing"

	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// attachmentJSON is an attachment as the API shows it.
type attachmentJSON struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	MessageID   *int64 `json:"message_id"`
	Uploader    struct {
		Name string `json:"name"`
	} `json:"uploader"`
	URL       string `json:"url"`
	CreatedAt string `json:"created_at"`
}

type attachmentListJSON struct {
	Items      []attachmentJSON `json:"items"`
	NextCursor *string          `json:"next_cursor"`
}

var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// form is a multipart body: fields, then files (name → content), and its Content-Type.
func form(t *testing.T, fields map[string]string, files ...[2]string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	for _, f := range files {
		part, err := w.CreateFormFile("file", f[0])
		if err != nil {
			t.Fatal(err)
		}
		part.Write([]byte(f[1]))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String(), w.FormDataContentType()
}

func TestAttachments(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		req := k.file(request.NewRequest{Title: "Fuite sous l'évier", RequesterEmail: "zoe.thomas@exemple.fr"})
		path := "/api/v1/requests/" + itoa(req.Number) + "/attachments"
		upload := func(token string, fields map[string]string, files ...[2]string) reply {
			t.Helper()
			body, ct := form(t, fields, files...)
			return k.do(call{method: "POST", path: path, token: token, body: body, contentType: ct})
		}

		r := upload(k.agent, nil, [2]string{"devis plombier é.pdf", string(pdf)})
		if r.Status != 201 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		var a attachmentJSON
		r.decode(t, &a)
		if a.Filename != "devis plombier é.pdf" || a.ContentType != "application/pdf" || a.Size != int64(len(pdf)) ||
			a.MessageID != nil || a.Uploader.Name != "Intégration Slack" || len(a.SHA256) != 64 || r.Header.Get("Location") != a.URL ||
			a.URL != path+"/"+itoa(a.ID) {
			t.Fatalf("attachment: %+v, Location %q", a, r.Header.Get("Location"))
		}

		dl := k.do(call{method: "GET", path: a.URL, token: k.agent})
		_, params, _ := mime.ParseMediaType(dl.Header.Get("Content-Disposition"))
		if dl.Status != 200 || !bytes.Equal(dl.Body, pdf) || dl.Header.Get("Content-Type") != "application/pdf" ||
			dl.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment;") ||
			params["filename"] != "devis plombier é.pdf" || !strings.HasPrefix(dl.Header.Get("Cache-Control"), "private") ||
			dl.Header.Get("ETag") != `"`+a.SHA256+`"` {
			t.Fatalf("download: %d %v", dl.Status, dl.Header)
		}

		// A note's file, on the note: listed for agents.
		nr := k.do(call{method: "POST", path: "/api/v1/requests/" + itoa(req.Number) + "/replies", token: k.admin,
			body: map[string]any{"body": "Photo du compteur", "internal": true}})
		var note messageJSON
		nr.decode(t, &note)
		r = upload(k.admin, map[string]string{"message_id": itoa(note.ID)}, [2]string{"compteur.txt", "index 04512"})
		var onNote attachmentJSON
		r.decode(t, &onNote)
		if r.Status != 201 || onNote.MessageID == nil || *onNote.MessageID != note.ID || onNote.ContentType != "text/plain; charset=utf-8" {
			t.Fatalf("upload on a note: %d %s", r.Status, r.Body)
		}
		var l attachmentListJSON
		lr := k.do(call{method: "GET", path: path, token: k.agent})
		lr.decode(t, &l)
		if lr.Status != 200 || len(l.Items) != 2 || l.Items[0].ID != a.ID || l.Items[1].ID != onNote.ID || l.NextCursor != nil {
			t.Fatalf("list: %s", lr.Body)
		}

		// Over the limit: 413, the limit named, for people in their language.
		big := strings.Repeat("a", request.MaxAttachmentSize+1)
		for _, lang := range []string{"", "en"} {
			body, ct := form(t, nil, [2]string{"gros.txt", big})
			r := k.do(call{method: "POST", path: path, token: k.agent, body: body, contentType: ct, lang: lang})
			p := problemOf(t, r, 413)
			want := "La pièce jointe dépasse la limite de 10\u00a0Mo."
			if lang == "en" {
				want = "The attachment is over the limit of 10\u00a0MB."
			}
			if !strings.Contains(p.Detail, "10 MiB") || p.message("file") != want || p.fieldCode("file") != "attachment_over_limit" {
				t.Errorf("413 (%q): %s", lang, r.Body)
			}
		}
		// A body announced larger than any file may be is refused before it is read.
		body, ct := form(t, nil, [2]string{"énorme.txt", strings.Repeat("a", request.MaxAttachmentSize+200<<10)})
		if p := problemOf(t, k.do(call{method: "POST", path: path, token: k.agent, body: body, contentType: ct}), 413); p.fieldCode("file") == "" {
			t.Errorf("a body over the limit: %+v", p)
		}

		refusals := []struct {
			name       string
			fields     map[string]string
			files      [][2]string
			ct         string
			status     int
			field      string
			docRejects bool
		}{
			{"html", nil, [][2]string{{"page.html", "<!DOCTYPE html><script>alert(1)</script>"}}, "", 422, "file", false},
			{"executable", nil, [][2]string{{"setup.exe", "MZ\x90\x00\x03\x00\x00\x00\x04\x00"}}, "", 422, "file", false},
			{"empty", nil, [][2]string{{"vide.pdf", ""}}, "", 422, "file", false},
			{"no file", map[string]string{"message_id": itoa(note.ID)}, nil, "", 400, "file", true},
			{"two files", nil, [][2]string{{"a.pdf", string(pdf)}, {"b.pdf", string(pdf)}}, "", 400, "", false},
			{"unknown field", map[string]string{"comment": "x"}, [][2]string{{"a.pdf", string(pdf)}}, "", 400, "comment", true},
			{"message of another request", map[string]string{"message_id": "999999"}, [][2]string{{"a.pdf", string(pdf)}}, "", 422, "message_id", false},
			{"message_id not a number", map[string]string{"message_id": "abc"}, [][2]string{{"a.pdf", string(pdf)}}, "", 400, "message_id", true},
			{"JSON", nil, nil, "application/json", 415, "", true},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				body, ct := form(t, tt.fields, tt.files...)
				if tt.ct != "" {
					body, ct = `{"file": "x"}`, tt.ct
				}
				r := k.do(call{method: "POST", path: path, token: k.agent, body: body, contentType: ct, docRejects: tt.docRejects})
				if p := problemOf(t, r, tt.status); tt.field != "" && p.fieldCode(tt.field) == "" {
					t.Errorf("the problem should name %s: %s", tt.field, r.Body)
				}
			})
		}
		lr = k.do(call{method: "GET", path: path, token: k.admin})
		lr.decode(t, &l)
		if len(l.Items) != 2 {
			t.Errorf("refused uploads were stored: %d files", len(l.Items))
		}
		problemOf(t, k.do(call{method: "GET", path: path + "/999999", token: k.agent}), 404)
		problemOf(t, k.do(call{method: "GET", path: "/api/v1/requests/999999/attachments", token: k.agent}), 404)
	})
}

func TestConfidentialAttachmentsStayHidden(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		pay := k.file(request.NewRequest{Title: "Erreur sur ma fiche de paie", RequesterEmail: "zoe.thomas@exemple.fr",
			Category: "RH & paie", Files: []request.File{mustFile(t, "bulletin.pdf", pdf)}})
		if !pay.Confidential {
			t.Fatal("setup: the request must be confidential")
		}
		path := "/api/v1/requests/" + itoa(pay.Number) + "/attachments"
		var l attachmentListJSON
		r := k.do(call{method: "GET", path: path, token: k.admin})
		r.decode(t, &l)
		if r.Status != 200 || len(l.Items) != 1 || l.Items[0].MessageID != nil || l.Items[0].Uploader.Name != "Zoé Thomas" {
			t.Fatalf("the admin lists the request's own file: %s", r.Body)
		}
		missing := problemOf(t, k.do(call{method: "GET", path: "/api/v1/requests/999999/attachments/1", token: k.admin}), 404).Detail
		for _, token := range []string{k.agent, k.employee} {
			body, ct := form(t, nil, [2]string{"x.pdf", string(pdf)})
			for _, c := range []call{
				{method: "GET", path: path},
				{method: "GET", path: l.Items[0].URL},
				{method: "POST", path: path, body: body, contentType: ct},
			} {
				c.token = token
				r := k.do(c)
				p := problemOf(t, r, 404)
				if strings.Contains(string(r.Body), "bulletin") || strings.Contains(string(r.Body), "PDF") {
					t.Errorf("%s %s leaks the file: %s", c.method, c.path, r.Body)
				}
				if c.path == l.Items[0].URL && p.Detail != missing {
					t.Errorf("a hidden file must answer as a missing one: %q, want %q", p.Detail, missing)
				}
			}
		}
		if r := k.do(call{method: "GET", path: l.Items[0].URL, token: k.admin}); r.Status != 200 || !bytes.Equal(r.Body, pdf) {
			t.Errorf("the admin downloads it: %d", r.Status)
		}
	})
}

func mustFile(t *testing.T, name string, data []byte) request.File {
	t.Helper()
	f, err := request.ReadFile(name, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return f
}
