package apsemu

import (
	"net/http"
	"strings"
	"time"
)

// userInfoPath is the OIDC userinfo endpoint on the API host (NOTES §2.3).
const userInfoPath = "/userinfo"

// msgUserTokenNeeded is the gateway message for an app-only token on
// /userinfo; APS's exact text is unverified.
const msgUserTokenNeeded = "This API needs a three-legged (user context) access token; a two-legged client_credentials token is not accepted."

// msgMethodNotAllowed is the gateway message for a wrong method on
// /userinfo; the emulator's own wording.
const msgMethodNotAllowed = "The request method is not allowed for this resource."

// serviceAccountEmailDomain completes a service account's email,
// <name>@<client ID>.adskserviceaccount.autodesk.com (NOTES §3.1).
const serviceAccountEmailDomain = ".adskserviceaccount.autodesk.com"

// userInfo is the GET /userinfo body: the members of the documented
// example up to updated_at, in its order, plus a few of the ones after it.
// Address, phone, company and social details are left out.
type userInfo struct {
	Sub               string `json:"sub"`
	Name              string `json:"name"`
	GivenName         string `json:"given_name"`
	FamilyName        string `json:"family_name"`
	PreferredUsername string `json:"preferred_username"`
	Email             string `json:"email"`
	EmailVerified     bool   `json:"email_verified"`
	Profile           string `json:"profile"`
	Picture           string `json:"picture"`
	Locale            string `json:"locale"`
	UpdatedAt         int64  `json:"updated_at"`
	Is2FAEnabled      bool   `json:"is_2fa_enabled"`
	CountryCode       string `json:"country_code"`
	Language          string `json:"language"`
	CreatedDate       string `json:"created_date"`
	EIDMGUID          string `json:"eidm_guid"`
}

// newUserInfo fills the members every emulated user shares: production
// profile URLs, US English, and the demo data's epoch as creation and
// last-update time.
func newUserInfo(id, given, family, username, email string) userInfo {
	epoch := time.UnixMilli(demoEpochMs).UTC()
	return userInfo{
		Sub:               id,
		Name:              given + " " + family,
		GivenName:         given,
		FamilyName:        family,
		PreferredUsername: username,
		Email:             email,
		EmailVerified:     true,
		Profile:           "https://profile.autodesk.com",
		Picture:           "https://images.profile.autodesk.com/" + id + "/profilepictures/x120.jpg",
		Locale:            "en-US",
		UpdatedAt:         epoch.Unix(),
		CountryCode:       "US",
		Language:          "en",
		CreatedDate:       epoch.Format(time.RFC3339),
		EIDMGUID:          id,
	}
}

// userProfile returns the profile of a user-context token's user: a user
// who signed in, or otherwise (the only other users tokens act for) the
// service account the token was exchanged for, named after its ID and
// with the email APS gives service accounts of the token's client.
func (e *Emulator) userProfile(info tokenInfo) userInfo {
	if u, ok := e.user(info.userID); ok {
		username, _, _ := strings.Cut(u.Email, "@")
		return newUserInfo(u.ID, u.GivenName, u.FamilyName, username, u.Email)
	}
	name := strings.ToLower(info.userID)
	return newUserInfo(info.userID, "Service Account", info.userID, name, name+"@"+info.clientID+serviceAccountEmailDomain)
}

// handleUserInfo serves GET /userinfo: the gateway has checked the token,
// the method and that the token has a user. No scope is needed (NOTES §2.3).
func (e *Emulator) handleUserInfo(w http.ResponseWriter, c *call) {
	writeJSON(w, http.StatusOK, contentTypeJSON, e.userProfile(c.token))
}
