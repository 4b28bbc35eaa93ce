package web

// Store is everything the web package needs from storage; db.Store
// implements it. NewRouter hands each handler group only its own small
// interface, declared beside the group.
type Store interface {
	sessionStore
	authStore
	throttleStore
	assessmentStore
	resultStore
	assessmentAPIStore
	accountStore
	sharingStore
	caseloadStore
	learnerStore
	learnerReviewReader
	recommendationStore
	learnerReviewStore
	resultReviewStore
	feedbackStore
	noteEditStore
	counselorCompareStore
	adminStore
	adminAPIStore
	adminPeopleStore
	auditStore
	importStore
	planStore
	passwordStore
	resetStore
	pinger
}
