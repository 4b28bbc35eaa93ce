package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
)

// noteEditStore is what changing a counselor's own private notes uses.
type noteEditStore interface {
	learnerFinder
	Note(ctx context.Context, counselorID, learnerID, id int64) (db.Note, error)
	EditNote(ctx context.Context, counselorID, learnerID, id int64, text string) (db.Note, error)
	DeleteNote(ctx context.Context, counselorID, learnerID, id int64) error
}

// noteEditHandlers let a counselor edit and delete their own private notes
// about a learner who shares with them, on the page and in the API.
type noteEditHandlers struct {
	*site
	store noteEditStore
}

// notFoundNote is the catalog's words for a note that is not the counselor's own.
const notFoundNote = "review.no_such_note"

// ownNote finds the learner named by :id among those who share with the
// counselor and the counselor's own note about them named by :nid,
// answering 404 itself when either is missing.
func (h *noteEditHandlers) ownNote(c *gin.Context) (db.CaseloadEntry, db.Note, bool) {
	e, ok := h.sharedLearner(c, h.store)
	if !ok {
		return db.CaseloadEntry{}, db.Note{}, false
	}
	id, ok := parseID(c.Param("nid"))
	err := db.ErrNotFound
	var n db.Note
	if ok {
		n, err = h.store.Note(c.Request.Context(), currentUser(c).ID, e.LearnerID, id)
	}
	if err != nil {
		h.noteError(c, err)
		return db.CaseloadEntry{}, db.Note{}, false
	}
	return e, n, true
}

func (h *noteEditHandlers) noteError(c *gin.Context, err error) {
	switch {
	case !isAPI(c):
		h.pageStoreError(c, err, h.T(c, notFoundNote))
	case isNotFound(err):
		apiFail(c, http.StatusNotFound, h.T(c, notFoundNote))
	default:
		h.apiStoreError(c, err)
	}
}

func (h *noteEditHandlers) renderNoteEdit(c *gin.Context, status int, e db.CaseloadEntry, n db.Note, text, problem string) {
	base := learnerPath(e.LearnerID) + "/notes/" + strconv.FormatInt(n.ID, 10)
	v := textEditView{Learner: h.caseloadRow(c, e), Kind: "note", Action: base, DeleteAction: base + "/delete",
		Back: learnerPath(e.LearnerID) + "#notes", Text: text, Error: problem, Max: maxNoteChars, Written: n.CreatedAt, Edited: n.EditedAt}
	h.render(c, status, "counselor_edit", h.T(c, "counselor_edit.note_heading", "Name", e.Name), v)
}

// noteEditPage is GET /counselor/learners/{id}/notes/{nid}/edit.
func (h *noteEditHandlers) noteEditPage(c *gin.Context) {
	e, n, ok := h.ownNote(c)
	if !ok {
		return
	}
	h.renderNoteEdit(c, http.StatusOK, e, n, n.Text, "")
}

// noteEditSubmit is the edit form's POST /counselor/learners/{id}/notes/{nid}.
func (h *noteEditHandlers) noteEditSubmit(c *gin.Context) {
	e, n, ok := h.ownNote(c)
	if !ok {
		return
	}
	text, problem := checkNote(h.printer(c), c.PostForm("text"))
	if problem != "" {
		h.renderNoteEdit(c, http.StatusUnprocessableEntity, e, n, c.PostForm("text"), problem)
		return
	}
	if _, err := h.store.EditNote(c.Request.Context(), currentUser(c).ID, e.LearnerID, n.ID, text); err != nil {
		h.noteError(c, err)
		return
	}
	h.redirect(c, learnerPath(e.LearnerID)+"#notes", "note-edited")
}

// noteDeleteSubmit is POST /counselor/learners/{id}/notes/{nid}/delete.
func (h *noteEditHandlers) noteDeleteSubmit(c *gin.Context) {
	e, n, ok := h.ownNote(c)
	if !ok {
		return
	}
	if err := h.store.DeleteNote(c.Request.Context(), currentUser(c).ID, e.LearnerID, n.ID); err != nil {
		h.noteError(c, err)
		return
	}
	h.redirect(c, learnerPath(e.LearnerID)+"#notes", "note-deleted")
}

// apiEditNote is PATCH /api/v1/learners/{id}/notes/{nid} {"text"}.
func (h *noteEditHandlers) apiEditNote(c *gin.Context) {
	e, n, ok := h.ownNote(c)
	if !ok {
		return
	}
	text, ok := h.bindText(c, "api.invalid_note", checkNote)
	if !ok {
		return
	}
	n, err := h.store.EditNote(c.Request.Context(), currentUser(c).ID, e.LearnerID, n.ID, text)
	if err != nil {
		h.noteError(c, err)
		return
	}
	c.JSON(http.StatusOK, toNoteJSON(n))
}

// apiDeleteNote is DELETE /api/v1/learners/{id}/notes/{nid}.
func (h *noteEditHandlers) apiDeleteNote(c *gin.Context) {
	e, n, ok := h.ownNote(c)
	if !ok {
		return
	}
	if err := h.store.DeleteNote(c.Request.Context(), currentUser(c).ID, e.LearnerID, n.ID); err != nil {
		h.noteError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
