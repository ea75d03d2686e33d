package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/aps-mcp/aps-mcp/registry"
)

// measureListingTokens calls each of tools through a stdio server of profile
// (with its own emulator) and counts what each result gives the model.
// The arguments they need come from a walk of the demo data: the first
// hub and project, a top folder holding an item, an issue, a bucket
// holding objects. A tool needing an argument the walk did not find is
// skipped, and said so.
func measureListingTokens(ctx context.Context, env serverEnv, profile string, catalog map[string]*registry.Tool, tools []string, res *tokenResult) error {
	if len(tools) == 0 {
		return nil
	}
	progressf("tokens: %d listing tools through profile %s", len(tools), profile)
	s, err := startStdio(ctx, env, serverSpec{profile: profile}, "--emulator")
	if err != nil {
		return err
	}
	defer s.close()
	known, err := walkDemoData(ctx, s, tools)
	if err != nil {
		return fmt.Errorf("profile %s: %w", profile, err)
	}
	for _, name := range tools {
		args, missing := argsFor(catalog[name], known)
		if missing != "" {
			res.skipped = append(res.skipped, fmt.Sprintf("%s: the walk found no %s", name, missing))
			continue
		}
		r, err := s.callTool(ctx, name, args)
		if err != nil {
			return err
		}
		c, err := listingCostOf(name, profile, r)
		if err != nil {
			return err
		}
		res.listings = append(res.listings, c)
	}
	return nil
}

// argsFor fills the tool's required and path arguments from known, or
// names the first it cannot fill.
func argsFor(t *registry.Tool, known map[string]string) (map[string]string, string) {
	args := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(t.Params)) {
		p := t.Params[name]
		if !p.Required && p.In != "path" {
			continue
		}
		v, ok := known[name]
		if !ok {
			return nil, name
		}
		args[name] = v
	}
	return args, ""
}

// walkDemoData finds the ids the listing tools take, calling only the
// tools the profile lists.
func walkDemoData(ctx context.Context, s *stdioSession, tools []string) (map[string]string, error) {
	known := map[string]string{}
	if slices.Contains(tools, "list_buckets") && slices.Contains(tools, "list_objects") {
		if err := walkBuckets(ctx, s, known); err != nil {
			return known, err
		}
	}
	first := func(tool string, args map[string]string, pick func(gjson.Result) bool) (gjson.Result, error) {
		if !slices.Contains(tools, tool) {
			return gjson.Result{}, nil
		}
		r, err := s.callTool(ctx, tool, args)
		if err != nil {
			return gjson.Result{}, err
		}
		for _, it := range gjson.Get(r.structured, "items").Array() {
			if pick == nil || pick(it) {
				return it, nil
			}
		}
		return gjson.Result{}, nil
	}
	set := func(key string, v gjson.Result, path string) bool {
		if id := v.Get(path).String(); id != "" {
			known[key] = id
			return true
		}
		return false
	}
	// ACC's APIs take only ACC projects, in a hub whose id starts with "b.".
	hub, err := first("list_hubs", nil, func(h gjson.Result) bool { return strings.HasPrefix(h.Get("id").String(), "b.") })
	if err != nil || !set("hub_id", hub, "id") {
		return known, err
	}
	project, err := first("list_projects", map[string]string{"hub_id": known["hub_id"]}, func(p gjson.Result) bool { return p.Get("project_type").String() == "ACC" })
	if err != nil || !set("project_id", project, "id") {
		return known, err
	}
	if err := walkFolders(ctx, s, known); err != nil {
		return known, err
	}
	issue, err := first("list_issues", map[string]string{"project_id": known["project_id"]}, nil)
	if err != nil {
		return known, err
	}
	set("issue_id", issue, "id")
	return known, nil
}

// walkFolders finds an item: breadth first from the project's top
// folders, a few levels down at most.
func walkFolders(ctx context.Context, s *stdioSession, known map[string]string) error {
	r, err := s.callTool(ctx, "list_top_folders", map[string]string{"hub_id": known["hub_id"], "project_id": known["project_id"]})
	if err != nil {
		return err
	}
	var queue []string
	for _, f := range gjson.Get(r.structured, "items").Array() {
		queue = append(queue, f.Get("id").String())
	}
	for visited := 0; len(queue) > 0 && visited < 20; visited++ {
		folder := queue[0]
		queue = queue[1:]
		r, err := s.callTool(ctx, "list_folder_contents", map[string]string{"project_id": known["project_id"], "folder_id": folder})
		if err != nil {
			return err
		}
		for _, e := range gjson.Get(r.structured, "items").Array() {
			switch e.Get("type").String() {
			case "items":
				known["folder_id"], known["item_id"] = folder, e.Get("id").String()
				return nil
			case "folders":
				queue = append(queue, e.Get("id").String())
			}
		}
	}
	return nil
}

// walkBuckets finds a bucket holding objects.
func walkBuckets(ctx context.Context, s *stdioSession, known map[string]string) error {
	r, err := s.callTool(ctx, "list_buckets", nil)
	if err != nil {
		return err
	}
	for _, b := range gjson.Get(r.structured, "items").Array() {
		key := b.Get("bucket_key").String()
		objs, err := s.callTool(ctx, "list_objects", map[string]string{"bucket_key": key})
		if err != nil {
			return err
		}
		if gjson.Get(objs.structured, "count").Int() > 0 {
			known["bucket_key"] = key
			return nil
		}
	}
	return nil
}

// listingCostOf counts one listing result, per item.
func listingCostOf(tool, profile string, r callResult) (listingCost, error) {
	c := listingCost{tool: tool, profile: profile, items: int(gjson.Get(r.structured, "count").Int()),
		textBytes: len(r.text), structBytes: len(r.structured)}
	var err error
	if c.textToks, err = countTokens(r.text); err != nil {
		return c, err
	}
	c.structT, err = countTokens(r.structured)
	return c, err
}
