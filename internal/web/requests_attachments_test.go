package web_test

import (
	"bytes"
	"context"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"majordome/internal/request"
)

// upload is a file a form sends.
type upload struct {
	name string
	data []byte
}

// postFiles sends a multipart form, as a browser does for a form with enctype
// multipart/form-data, with the client's CSRF token and the files in the field "files".
func (c *client) postFiles(path string, form url.Values, files ...upload) response {
	c.e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("csrf_token", c.csrf)
	for k, vs := range form {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if len(files) == 0 { // a browser sends the empty input too
		w.CreateFormFile("files", "")
	}
	for _, f := range files {
		part, err := w.CreateFormFile("files", f.name)
		if err != nil {
			c.e.t.Fatal(err)
		}
		part.Write(f.data)
	}
	w.Close()
	req, _ := http.NewRequest("POST", c.e.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

var (
	pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
)

var attachLinkRe = regexp.MustCompile(`href="(/(?:requests|portal)/\d+/attachments/\d+)"[^>]*>\s*(?:<[^>]+>\s*)*<span class="attach-name">([^<]+)</span>\s*<span class="attach-size">([^<]+)</span>`)

// attachmentLinks maps each file name listed on a page to its link and size.
func attachmentLinks(res response) map[string][2]string {
	out := map[string][2]string{}
	for _, m := range attachLinkRe.FindAllStringSubmatch(text(res), -1) {
		out[m[2]] = [2]string{m[1], m[3]}
	}
	return out
}

func TestConversationRendersMarkdownSafely(t *testing.T) {
	d := newDesk(t)
	r, err := d.e.App.Requests.Create(context.Background(), request.NewRequest{Title: "Imprimante",
		Description:    "**Urgent** : voir https://exemple.fr/aide\n- [x] redémarrée\n<script>alert('xss')</script><img src=x onerror=alert(2)>",
		RequesterEmail: "zoe.thomas@exemple.fr"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.e.App.Requests.Reply(context.Background(), d.jeromeV, r.Number, "Bonjour,\nc'est _réglé_ [ici](javascript:alert(3))", false, request.Web); err != nil {
		t.Fatal(err)
	}
	for _, page := range []response{d.jerome.get("/requests/" + itoa(r.Number)), d.zoe.get("/portal/" + itoa(r.Number))} {
		if page.StatusCode != 200 {
			t.Fatalf("page: %d", page.StatusCode)
		}
		for _, want := range []string{"<strong>Urgent</strong>", `<a href="https://exemple.fr/aide" rel="nofollow noopener" target="_blank">`,
			`type="checkbox"`, "Bonjour,<br>", "<em>réglé</em>"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the page should contain %s", want)
			}
		}
		for _, bad := range []string{"alert('xss')", "alert(&#39;xss&#39;)", "onerror", "javascript:"} {
			if strings.Contains(page.Body, bad) {
				t.Errorf("the page contains %q", bad)
			}
		}
	}
}

func TestRepliesWithAttachments(t *testing.T) {
	d := newDesk(t)
	r := d.file("Fuite sous l'évier", "zoe.thomas@exemple.fr", "", "", "")
	path := "/requests/" + itoa(r.Number)

	// Jérôme answers with a quote and a photo, then notes a file for the team only.
	res := d.jerome.postFiles(path+"/replies", url.Values{"mode": {"public"}, "body": {"Voici le devis du plombier."}},
		upload{"devis plombier.pdf", pdfBytes}, upload{"fuite.png", pngBytes})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply with files: %d %s", res.StatusCode, res.Body)
	}
	res = d.jerome.postFiles(path+"/replies", url.Values{"mode": {"internal"}, "body": {""}}, upload{"facture-interne.pdf", pdfBytes})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a note with only a file: %d %s", res.StatusCode, res.Body)
	}
	page := d.jerome.get(path)
	links := attachmentLinks(page)
	if len(links) != 3 || links["devis plombier.pdf"][1] != strconv.Itoa(len(pdfBytes))+" octets" || links["fuite.png"][1] != "33 octets" {
		t.Fatalf("the agent sees the three files with their size: %v", links)
	}
	if !strings.Contains(page.Body, `enctype="multipart/form-data"`) || !strings.Contains(page.Body, `name="files"`) {
		t.Error("the reply box takes files")
	}

	dl := d.jerome.get(links["devis plombier.pdf"][0])
	_, params, _ := mime.ParseMediaType(dl.Header.Get("Content-Disposition"))
	if dl.StatusCode != 200 || dl.Body != string(pdfBytes) || dl.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") || params["filename"] != "devis plombier.pdf" ||
		dl.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(dl.Header.Get("Cache-Control"), "private") ||
		!strings.Contains(dl.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("download: %d %v", dl.StatusCode, dl.Header)
	}
	if img := d.jerome.get(links["fuite.png"][0]); img.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(img.Header.Get("Content-Disposition"), "inline") {
		t.Errorf("an image is shown: %v", img.Header)
	}

	// Zoé sees the reply's files in her portal, not the note's.
	portal := d.zoe.get("/portal/" + itoa(r.Number))
	mine := attachmentLinks(portal)
	if len(mine) != 2 || !strings.HasPrefix(mine["devis plombier.pdf"][0], "/portal/") {
		t.Fatalf("the requester sees the reply's two files: %v", mine)
	}
	if res := d.zoe.get(mine["devis plombier.pdf"][0]); res.StatusCode != 200 || res.Body != string(pdfBytes) {
		t.Errorf("the requester downloads from her portal: %d", res.StatusCode)
	}
	note := strings.Replace(links["facture-interne.pdf"][0], "/requests/", "/portal/", 1)
	if res := d.zoe.get(note); res.StatusCode != 404 {
		t.Errorf("the requester downloads a note's file: %d", res.StatusCode)
	}
	if res := d.zoe.get(links["facture-interne.pdf"][0]); res.StatusCode != 403 {
		t.Errorf("an employee on the desk's download: %d", res.StatusCode)
	}

	// Over the limit: the box comes back with the limit in words, nothing sent.
	big := bytes.Repeat([]byte("a"), request.MaxAttachmentSize+1)
	res = d.jerome.postFiles(path+"/replies", url.Values{"mode": {"public"}, "body": {"Le plan"}}, upload{"plan.txt", big})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res), "« plan.txt » dépasse la limite de 10\u00a0Mo par fichier") ||
		!strings.Contains(text(res), ">Le plan</textarea>") {
		t.Errorf("a file over the limit: %d %s", res.StatusCode, regexp.MustCompile(`field-error[^<]*<`).FindString(res.Body))
	}
	res = d.jerome.postFiles(path+"/replies", url.Values{"mode": {"public"}, "body": {"Page"}}, upload{"page.html", []byte("<!DOCTYPE html><script>alert(1)</script>")})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res), "« page.html » n'est pas d'un type accepté") {
		t.Errorf("a refused type: %d", res.StatusCode)
	}
	msgs, _ := d.e.App.Requests.Conversation(context.Background(), d.camilleV, r)
	if len(msgs) != 2 {
		t.Errorf("refused replies were written: %d messages", len(msgs))
	}
}

func TestPortalFormTakesAFileAndConfidentialFilesStayHidden(t *testing.T) {
	d := newDesk(t)
	d.zoe.get("/portal")
	res := d.zoe.postFiles("/portal", url.Values{"title": {"Erreur sur ma fiche de paie"}, "description": {"Voir le **bulletin** joint."},
		"category": {"RH & paie"}}, upload{"bulletin-mars.pdf", pdfBytes})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("file with an attachment: %d %s", res.StatusCode, res.Body)
	}
	where := res.Header.Get("Location")
	portal := d.zoe.get(where)
	links := attachmentLinks(portal)
	if len(links) != 1 || !strings.Contains(portal.Body, "<strong>bulletin</strong>") {
		t.Fatalf("the request shows its file: %v", links)
	}
	desk := strings.Replace(links["bulletin-mars.pdf"][0], "/portal/", "/requests/", 1)
	if res := d.noel.get(desk); res.StatusCode != 404 || strings.Contains(res.Body, "PDF") {
		t.Errorf("an agent who may not see the confidential request downloads its file: %d", res.StatusCode)
	}
	if res := d.camille.get(desk); res.StatusCode != 200 || res.Body != string(pdfBytes) {
		t.Errorf("the admin downloads it: %d", res.StatusCode)
	}

	// A refused file keeps what was typed and files nothing.
	before, _ := d.e.App.Requests.List(context.Background(), d.camilleV, request.Filter{})
	res = d.zoe.postFiles("/portal", url.Values{"title": {"Badge perdu"}}, upload{"virus.exe", append([]byte("MZ\x90\x00"), make([]byte, 64)...)})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res), "« virus.exe » n'est pas d'un type accepté") ||
		!strings.Contains(res.Body, `value="Badge perdu"`) {
		t.Errorf("a refused file: %d", res.StatusCode)
	}
	after, _ := d.e.App.Requests.List(context.Background(), d.camilleV, request.Filter{})
	if len(after.Items) != len(before.Items) {
		t.Error("a request was filed with a refused file")
	}
	// Without a file, the form files as before.
	if res := d.zoe.postFiles("/portal", url.Values{"title": {"Badge perdu"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("no file: %d", res.StatusCode)
	}
}

// itoa writes a request number in a path.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
