package web

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// download clicks a link that downloads a file and returns the file.
func (p *browserPage) download(sel string) string {
	p.t.Helper()
	dir := p.t.TempDir()
	done := make(chan string, 1)
	// The Browser domain's download events come to the tab that allowed
	// downloads, not to the browser's own session.
	err := chromedp.Listen(p.ctx, func(ev any) {
		if e, ok := ev.(*cdpbrowser.EventDownloadProgress); ok && e.State == cdpbrowser.DownloadProgressStateCompleted {
			select {
			case done <- e.FilePath:
			default:
			}
		}
	})
	if err != nil {
		p.t.Fatal(err)
	}
	on := true
	if _, err := chromedp.Call(p.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, BrowserContextID: chromedp.FromContext(p.tab).BrowserContextID,
		DownloadPath: dir, EventsEnabled: &on}); err != nil {
		p.t.Fatalf("allow downloads: %v", err)
	}
	p.click(sel)
	select {
	case path := <-done:
		data, err := os.ReadFile(path)
		if err != nil {
			p.t.Fatalf("read the download: %v", err)
		}
		return string(data)
	case <-p.ctx.Done():
		p.t.Fatalf("no download from %s", sel)
	}
	return ""
}

// writeRoster puts a roster file where the browser can upload it from.
func writeRoster(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "class-of-2027.csv")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// An admin imports a roster in the browser: checks it, imports the valid
// rows, and gets the invitation links; a learner then uses theirs.
func TestE2E_AdminImportsARosterAndALearnerUsesTheInvitation(t *testing.T) {
	b := newBrowser(t)
	app := newTestApp(t)
	app.createUser("ada@example.com", "admin")
	app.createUser("casey@example.com", "counselor")
	file := writeRoster(t, "\xef\xbb\xbfemail,name,role,group,counselor_email\r\n"+
		"nia@example.com,\"Njoku, Nia\",learner,Class of 2027,casey@example.com\r\n"+
		"omar@example.com,Omar Haddad,,Class of 2027,\r\n"+
		"bad-email,Rae Rowe,,,\r\n")

	admin := app.inBrowser(t, b.tab(t))
	admin.logIn("ada@example.com")
	admin.open("/admin/users")
	admin.clickThrough(`a[href="/admin/users/import"]`)
	admin.wantPath("/admin/users/import")
	admin.do("choose the file", chromedp.SetUploadFiles(`#f-roster`, []string{file}))
	admin.clickThrough(`form.import-form button[value="1"]`)
	admin.wantText("#result-h", "Checked: 2 of 3 people can be imported")
	admin.wantText("table.import-problems", "Enter an email address like name@example.com.")
	if admin.count(`a[href^="data:text/csv"][download^="invitations-"]`) != 0 {
		t.Fatal("a check offers invitation links")
	}
	admin.clickThrough(`form[data-import] button[type="submit"]`) // "Import the 2 people now"
	admin.wantText("#result-h", "Imported 2 of 3 people")
	href := eval[string](admin, `document.querySelector('a[download^="invitations-"]').getAttribute("href")`)
	decoded, err := url.PathUnescape(strings.TrimPrefix(href, "data:text/csv;charset=utf-8,"))
	if err != nil || !strings.Contains(decoded, "nia@example.com,\"Njoku, Nia\",learner,Class of 2027,"+app.srv.URL+"/reset/") {
		t.Fatalf("the invitations file: %v\n%s", err, decoded)
	}
	// The link downloads that file, CSP and all.
	if got := admin.download(`a[download^="invitations-"]`); got != decoded {
		t.Fatalf("the downloaded file differs from the link:\n%s\nwant\n%s", got, decoded)
	}
	// The links are on the page too, behind a disclosure.
	admin.click(`details summary`)
	link := ""
	for _, line := range strings.Split(decoded, "\r\n") {
		if strings.HasPrefix(line, "nia@example.com,") {
			f := strings.Split(line, ",")
			link = f[len(f)-2]
		}
	}
	if !strings.Contains(admin.text("table.invitations"), link) {
		t.Fatalf("the page does not show nia's link %s", link)
	}

	// Nia opens her link in her own browser and chooses a password.
	nia := app.inBrowser(t, b.tab(t))
	nia.open(strings.TrimPrefix(link, app.srv.URL))
	nia.wantText("h1", "Set your password")
	nia.wantText("main", "Welcome to Readiness, Njoku, Nia")
	nia.typeInto("#f-new_password", "short")
	nia.clickThrough(`main form button[type="submit"]`)
	nia.wantText("#err-new_password", "Use at least 10 characters.")
	nia.typeInto("#f-new_password", "a sunny afternoon in May")
	nia.clickThrough(`main form button[type="submit"]`)
	nia.wantPath("/progress")
	nia.wantText("main", "Your password is set, and you are logged in.")
	nia.open("/account")
	nia.wantText("main", "Casey")
	nia.wantText("main", "an administrator")
	// The link is spent.
	if status := nia.openStatus(strings.TrimPrefix(link, app.srv.URL)); status != 410 {
		t.Errorf("a used link answers %d, want 410", status)
	}
	nia.wantText("main", "This link was already used")

	// Casey sees Nia in the group on the caseload.
	casey := app.inBrowser(t, b.tab(t))
	casey.logIn("casey@example.com")
	casey.open("/counselor?group=Class+of+2027")
	casey.wantText("main", "Njoku, Nia")
}
