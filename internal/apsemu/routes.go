package apsemu

import "net/http"

// faultCover says which requests of an API injected faults reach.
type faultCover int

const (
	faultsAlways   faultCover = iota // every request (the resource APIs, unknown paths)
	faultsWithAuth                   // only with Faults.IncludeAuth (the token and revoke endpoints)
	faultsNever                      // none (browser pages, the JWKS, S3)
)

// Path prefixes of the APIs the gateway routes to.
const (
	ossPathPrefix        = "/oss/"
	projectPathPrefix    = "/project/"
	dataPathPrefix       = "/data/"
	authPathPrefix       = "/authentication/"
	rfisPathPrefix       = "/construction/rfis/"
	submittalsPathPrefix = "/construction/submittals/"
)

// apis is every service the emulator plays, each with its routes: the
// one table the gateway dispatches from (see serve). Patterns use the
// specs' parameter names.
func apis() []api {
	return compile([]api{
		authEndpoint(tokenPath, http.MethodPost, faultsWithAuth, (*Emulator).handleToken,
			func(w http.ResponseWriter) { writeOAuthError(w, errWrongMethod("token", http.MethodPost)) }),
		authEndpoint(revokePath, http.MethodPost, faultsWithAuth, (*Emulator).handleRevoke,
			func(w http.ResponseWriter) { writeOAuthError(w, errWrongMethod("revoke", http.MethodPost)) }),
		authEndpoint(keysPath, http.MethodGet, faultsNever, (*Emulator).handleKeys,
			func(w http.ResponseWriter) { writeOAuthError(w, errWrongMethod("keys", http.MethodGet)) }),
		authEndpoint(authorizePath, http.MethodGet, faultsNever, (*Emulator).handleAuthorize, func(w http.ResponseWriter) {
			writeAuthorizePage(w, http.StatusMethodNotAllowed, "invalid_request", "The authorize endpoint only accepts GET requests.")
		}),
		{paths: []string{authPathPrefix}, faults: faultsNever, errs: gatewayNotFound()},
		{paths: []string{signInPathPrefix}, faults: faultsNever, errs: signInErrors(), routes: []route{
			{http.MethodGet, SignInPath, nil, (*Emulator).handleSignIn},
			{http.MethodGet, SignOutPath, nil, (*Emulator).handleSignOut},
		}},
		{paths: []string{userInfoPath}, bearer: true, errs: userInfoErrors(), routes: []route{
			{http.MethodGet, userInfoPath, nil, (*Emulator).handleUserInfo},
		}},
		ossAPI(),
		{paths: []string{s3PathPrefix}, faults: faultsNever, rawPath: true, emptyParams: true, errs: s3Errors(), routes: []route{
			{http.MethodGet, s3PathPrefix + "{token...}", nil, (*Emulator).serveS3},
			{http.MethodHead, s3PathPrefix + "{token...}", nil, (*Emulator).serveS3},
			{http.MethodPut, s3PathPrefix + "{token...}", nil, (*Emulator).serveS3Upload},
		}},
		dmAPI(),
		mdAPI(),
		issuesAPI(),
		rfisAPI(),
		submittalsAPI(),
		adminAPI(),
		webhooksAPI(),
		aecAPI(),
		{paths: []string{"/"}, errs: gatewayNotFound()},
	})
}

// authEndpoint is one endpoint of the authentication service: not behind
// the bearer-token gateway, one method, its own 405 answer.
func authEndpoint(path, method string, faults faultCover, h handler, wrongMethod func(http.ResponseWriter)) api {
	errs := gatewayNotFound()
	errs.method = wrongMethod
	return api{paths: []string{path}, faults: faults, errs: errs, routes: []route{{method, path, nil, h}}}
}

// gatewayNotFound answers every failure as a path no emulated service owns.
func gatewayNotFound() apiErrors {
	return apiErrors{badPath: writeGatewayNotFound, notFound: writeGatewayNotFound, method: writeGatewayNotFound}
}

// userInfoErrors are /userinfo's gateway answers: 405 in the gateway shape
// and 401 for an app-only token, which has no user (NOTES §2.3).
func userInfoErrors() apiErrors {
	errs := gatewayNotFound()
	errs.method = func(w http.ResponseWriter) {
		writeGatewayError(w, http.StatusMethodNotAllowed, "", msgMethodNotAllowed)
	}
	errs.appOnly = func(w http.ResponseWriter) {
		writeGatewayError(w, http.StatusUnauthorized, codeInvalidToken, msgUserTokenNeeded)
	}
	return errs
}

// ossAPI is OSS v2. oss.yaml lists viewables:read beside bucket:read for
// bucket details; the emulator reads that as "either".
func ossAPI() api {
	const bucket, object = "/oss/v2/buckets/{bucketKey}", "/oss/v2/buckets/{bucketKey}/objects/{objectKey}"
	return api{paths: []string{ossPathPrefix}, bearer: true, emptyParams: true, errs: ossErrors(), routes: []route{
		{http.MethodGet, "/oss/v2/buckets", []string{scopeBucketRead}, (*Emulator).listBuckets},
		{http.MethodPost, "/oss/v2/buckets", []string{scopeBucketCreate}, (*Emulator).createBucket},
		{http.MethodGet, bucket + "/details", []string{scopeBucketRead, scopeViewablesRead}, (*Emulator).bucketDetails},
		{http.MethodGet, bucket + "/objects", []string{scopeDataRead}, (*Emulator).listObjects},
		{http.MethodDelete, object, []string{scopeDataWrite}, (*Emulator).deleteObject},
		{http.MethodGet, object + "/details", []string{scopeDataRead}, (*Emulator).objectDetails},
		{http.MethodGet, object + "/signeds3download", []string{scopeDataRead}, (*Emulator).signedS3Download},
		{http.MethodGet, object + "/signeds3upload", []string{scopeDataWrite, scopeDataCreate}, (*Emulator).signedS3Upload},
		{http.MethodPost, object + "/signeds3upload", []string{scopeDataWrite, scopeDataCreate}, (*Emulator).completeS3Upload},
	}}
}

// dmAPI is Data Management: every endpoint GET with data:read and a user
// (see the package doc). Folder search's security requirement lists
// data:search beside data:read; as for other such lists in the specs
// (bucket details, manifest), the emulator accepts either.
func dmAPI() api {
	const (
		hub     = "/project/v1/hubs/{hub_id}"
		project = hub + "/projects/{project_id}"
		data    = "/data/v1/projects/{project_id}"
	)
	read, search := []string{scopeDataRead}, []string{scopeDataRead, scopeDataSearch}
	return api{paths: []string{projectPathPrefix, dataPathPrefix}, bearer: true, errs: dmErrors(), routes: []route{
		{http.MethodGet, "/project/v1/hubs", read, (*Emulator).listHubs},
		{http.MethodGet, hub, read, (*Emulator).getHub},
		{http.MethodGet, hub + "/projects", read, (*Emulator).listProjects},
		{http.MethodGet, project, read, (*Emulator).getProject},
		{http.MethodGet, project + "/topFolders", read, (*Emulator).listTopFolders},
		{http.MethodGet, data + "/folders/{folder_id}", read, (*Emulator).getFolder},
		{http.MethodGet, data + "/folders/{folder_id}/contents", read, (*Emulator).listFolderContents},
		{http.MethodGet, data + "/folders/{folder_id}/search", search, (*Emulator).searchFolder},
		{http.MethodGet, data + "/items/{item_id}", read, (*Emulator).getItem},
		{http.MethodGet, data + "/items/{item_id}/tip", read, (*Emulator).getItemTip},
		{http.MethodGet, data + "/items/{item_id}/versions", read, (*Emulator).listItemVersions},
		{http.MethodGet, data + "/versions/{version_id}", read, (*Emulator).getVersion},
	}}
}

// mdAPI is Model Derivative, under its path and the legacy EMEA one. The
// spec's viewable:read for the manifest is a typo for viewables:read
// (NOTES §8.7). Every handler but the job's first resolves the design
// (withDesign).
func mdAPI() api {
	read := []string{scopeDataRead}
	var routes []route
	for _, prefix := range []string{mdPathPrefix, mdLegacyEUPath} {
		design := prefix + "{urn}"
		view := design + "/metadata/{modelGuid}"
		routes = append(routes,
			route{http.MethodGet, design + "/manifest", []string{scopeDataRead, scopeViewablesRead}, withDesign((*Emulator).getManifest)},
			route{http.MethodGet, design + "/metadata", read, withDesign((*Emulator).getModelViews)},
			route{http.MethodGet, view, read, withDesign((*Emulator).getObjectTree)},
			route{http.MethodGet, view + "/properties", read, withDesign((*Emulator).getAllProperties)},
			route{http.MethodPost, view + "/properties:query", read, withDesign((*Emulator).queryProperties)},
			route{http.MethodPost, prefix + "job", []string{scopeDataWrite, scopeDataCreate}, (*Emulator).startJob},
		)
	}
	return api{paths: []string{mdServicePrefix}, bearer: true, errs: mdErrors(), routes: routes}
}

// issuesAPI is ACC Issues v1: GET with data:read, POST and PATCH with
// data:write, and a user, as the docs say and the spec does not (NOTES §8). Every handler first resolves the
// project (withIssuesProject).
func issuesAPI() api {
	const project = "/construction/issues/v1/projects/{projectId}"
	read, write := []string{scopeDataRead}, []string{scopeDataWrite}
	return api{paths: []string{issuesPathPrefix}, bearer: true, errs: issuesErrors(), routes: []route{
		{http.MethodGet, project + "/issues", read, withIssuesProject((*Emulator).listIssues)},
		{http.MethodPost, project + "/issues", write, withIssuesProject((*Emulator).createIssue)},
		{http.MethodGet, project + "/issues/{issueId}", read, withIssuesProject((*Emulator).getIssue)},
		{http.MethodPatch, project + "/issues/{issueId}", write, withIssuesProject((*Emulator).patchIssue)},
		{http.MethodPost, project + "/issues/{issueId}/comments", write, withIssuesProject((*Emulator).createComment)},
		{http.MethodGet, project + "/issues/{issueId}/comments", read, withIssuesProject((*Emulator).listComments)},
		{http.MethodGet, project + "/issue-types", read, withIssuesProject((*Emulator).listIssueTypes)},
		{http.MethodGet, project + "/issue-root-cause-categories", read, withIssuesProject((*Emulator).listRootCauseCategories)},
	}}
}

// rfisAPI is ACC RFIs v3: reads (search:rfis is a POST that only reads)
// with data:read, writes with data:write or data:create, and a user; the
// project resolves as for Issues.
func rfisAPI() api {
	const project = "/construction/rfis/v3/projects/{projectId}"
	read, write := []string{scopeDataRead}, []string{scopeDataWrite, scopeDataCreate}
	return api{paths: []string{rfisPathPrefix}, bearer: true, errs: issuesErrors(), routes: []route{
		{http.MethodPost, project + "/search:rfis", read, withIssuesProject((*Emulator).searchRFIs)},
		{http.MethodPost, project + "/rfis", write, withIssuesProject((*Emulator).createRFI)},
		{http.MethodGet, project + "/rfis/{rfiId}", read, withIssuesProject((*Emulator).getRFI)},
		{http.MethodPost, project + "/rfis/{rfiId}/responses", write, withIssuesProject((*Emulator).createRFIResponse)},
	}}
}

// submittalsAPI is ACC Submittals v2, the two item reads: data:read and a
// user; the project resolves as for Issues.
func submittalsAPI() api {
	const project = "/construction/submittals/v2/projects/{projectId}"
	read := []string{scopeDataRead}
	return api{paths: []string{submittalsPathPrefix}, bearer: true, errs: issuesErrors(), routes: []route{
		{http.MethodGet, project + "/items", read, withIssuesProject((*Emulator).listSubmittalItems)},
		{http.MethodGet, project + "/items/{itemId}", read, withIssuesProject((*Emulator).getSubmittalItem)},
	}}
}
