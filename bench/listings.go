package main

import (
	"context"
	"fmt"
	"time"
)

// The single-user listings at APS latency: one person's (or the app's)
// listing of many items, all pages in one call, timed against the round
// trip the emulator adds. The profiles' caps are raised (listingLimits) so
// the call returns every item rather than stopping at a cap.

// listingLimits lets one call return each listing whole.
const listingLimits = "\nlimits: {max_items: 5000, max_bytes: 50000000}\n"

// listingRow is one listing, called twice by the same client.
type listingRow struct {
	name  string // what is listed
	tool  string
	items int
	// The first call (nothing cached) and the same call again at once:
	// wall time as the client saw it and the APS requests the emulator
	// counted for it.
	first, again       time.Duration
	firstAPS, againAPS int64
	latency            time.Duration // the emulator's, for round trips
}

// roundTrips is d in round trips of the emulator's latency.
func (l listingRow) roundTrips(d time.Duration) float64 { return float64(d) / float64(l.latency) }

// listingCase is a listing to measure: the tool, its arguments and how
// each listed item starts in the structured result (see rawCall).
type listingCase struct {
	name   string
	call   rawCall
	apsFor string // the path prefix of its APS requests
}

// listingCases are the three listings, of the data emuConfig.large seeds.
func listingCases() (user, app []listingCase) {
	user = []listingCase{
		{fmt.Sprintf("%d projects of a hub", largeHubSize),
			rawCall{tool: "list_projects", args: `{"hub_id":"` + largeHubID + `"}`, marker: `{"id":"b.`, want: largeHubSize},
			"/project/v1/hubs/" + largeHubID + "/projects"},
		{fmt.Sprintf("%d issues of a project", largeIssues),
			rawCall{tool: "list_issues", args: `{"project_id":"` + largeProjectID + `"}`, marker: `{"id":"`, want: largeIssues},
			"/construction/issues/v1/projects/" + largeProjectID + "/issues"},
	}
	app = []listingCase{
		{fmt.Sprintf("%d objects of a bucket", objectsInRows),
			rawCall{tool: "list_objects", args: `{"bucket_key":"` + objectsBucket + `"}`, marker: `{"object_key":`, want: objectsInRows},
			"/oss/v2/buckets/" + objectsBucket + "/objects"},
	}
	return user, app
}

// measureListing calls lc twice through a new raw client (with the
// access token, if any) and counts each call's APS requests.
func measureListing(ctx context.Context, emu *emulatorProc, endpoint, token string, lc listingCase, latency time.Duration) (listingRow, error) {
	row := listingRow{name: lc.name, tool: lc.call.tool, items: lc.call.want, latency: latency}
	c, err := dialRawBearer(ctx, endpoint, modernProtocol, lc.call, token)
	if err != nil {
		return row, err
	}
	defer c.close()
	for i, out := range []struct {
		wall *time.Duration
		aps  *int64
	}{{&row.first, &row.firstAPS}, {&row.again, &row.againAPS}} {
		if err := emu.watch(ctx, lc.apsFor); err != nil {
			return row, err
		}
		callCtx, cancel := context.WithTimeout(ctx, walkCallTimeout)
		t0 := time.Now()
		err := c.call(callCtx)
		*out.wall = time.Since(t0)
		cancel()
		if err != nil {
			return row, fmt.Errorf("%s (call %d): %w", lc.call.tool, i+1, err)
		}
		st, err := emu.stats(ctx)
		if err != nil {
			return row, err
		}
		*out.aps = st.Requests
	}
	return row, emu.watch(ctx, unwatched)
}
