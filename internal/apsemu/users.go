package apsemu

import (
	"cmp"
	"slices"
)

// DemoUserID is the Autodesk user ID of the demo user ("Demo User",
// demo@example.com), who signs in at /authentication/v2/authorize when the
// browser names nobody else (see SessionCookie). Through the first
// registered client it sees every Data Management hub.
const DemoUserID = "APSEMUDEMOUSER1"

// The team members seeded beside the demo user. Each signs in through
// SessionCookie and, through the first registered client, sees only the
// hubs it is a member of; the package doc lists them.
const (
	// DemoUserAda is Ada Lovelace, ada@team.example: a member of the
	// "Contoso Construction" and "APS MCP Design Team" hubs.
	DemoUserAda = "APSEMUADA0001"
	// DemoUserBen is Ben Okafor, ben@team.example: a member of the
	// "Fabrikam Europe GmbH" hub.
	DemoUserBen = "APSEMUBEN0001"
	// DemoUserEve is Eve Mallory, eve@outside.example: a member of no hub.
	DemoUserEve = "APSEMUEVE0001"
)

// User is a person who can sign in at /authentication/v2/authorize.
type User struct {
	ID                    string // Autodesk user ID
	GivenName, FamilyName string
	Email                 string // its local part is the preferred_username of /userinfo
	// Hubs are the IDs of the Data Management hubs the user is a member
	// of; the user sees no other hub.
	Hubs []string
	// AllHubs makes the user a member of every hub, present and future,
	// whatever Hubs says: the demo user is.
	AllHubs bool
}

// Users returns the users who can sign in, sorted by ID.
func (e *Emulator) Users() []User {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]User, 0, len(e.users))
	for _, u := range e.users {
		u.Hubs = slices.Clone(u.Hubs)
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b User) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// AddUser registers u, replacing any user with the same ID (the demo user
// and the seeded team members included), so that a browser whose
// SessionCookie names u.ID signs in as u. Tokens issued to the user
// before see u's hubs from now on.
func (e *Emulator) AddUser(u User) {
	u.Hubs = slices.Clone(u.Hubs)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.users[u.ID] = u
}

// user returns the registered user with the given ID.
func (e *Emulator) user(id string) (User, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u, ok := e.users[id]
	return u, ok
}

// seedDemoUsers registers the demo user and the team members.
func seedDemoUsers(e *Emulator) {
	for _, u := range []User{
		{ID: DemoUserID, GivenName: "Demo", FamilyName: "User", Email: "demo@example.com", AllHubs: true},
		{ID: DemoUserAda, GivenName: "Ada", FamilyName: "Lovelace", Email: "ada@team.example", Hubs: []string{demoBigHubID(), demoTeamHubID()}},
		{ID: DemoUserBen, GivenName: "Ben", FamilyName: "Okafor", Email: "ben@team.example", Hubs: []string{demoEMEAHubID()}},
		{ID: DemoUserEve, GivenName: "Eve", FamilyName: "Mallory", Email: "eve@outside.example"},
	} {
		e.AddUser(u)
	}
}

// hubVisibility returns which hubs the caller sees, decided once for the
// request: the hubs belong to the first registered client, so only
// its user-context tokens see any; a service account's see them all, a
// user's the hubs the user is a member of.
func (e *Emulator) hubVisibility(info tokenInfo) func(hubID string) bool {
	if info.clientID != e.owner || info.userID == "" {
		return func(string) bool { return false }
	}
	u, isUser := e.user(info.userID)
	if !isUser || u.AllHubs {
		return func(string) bool { return true }
	}
	return func(hubID string) bool { return slices.Contains(u.Hubs, hubID) }
}

// seesHub reports whether the caller sees the hub hubID.
func (e *Emulator) seesHub(info tokenInfo, hubID string) bool {
	return e.hubVisibility(info)(hubID)
}

// seesProject reports whether the caller sees the DM project projectID,
// in a reachable hub or not.
func (e *Emulator) seesProject(info tokenInfo, projectID string) bool {
	_, h, ok := e.findProject(projectID)
	return ok && e.seesHub(info, h.ID)
}
