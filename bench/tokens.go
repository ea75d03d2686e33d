package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	tiktoken "github.com/pkoukk/tiktoken-go"
	tiktoken_loader "github.com/pkoukk/tiktoken-go-loader"
	"github.com/tidwall/gjson"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/config"
	"github.com/aps-mcp/aps-mcp/ondemand"
)

// The context cost: what a model reads, counted in tokens of OpenAI's
// cl100k_base encoding (tiktoken, its vocabulary compiled into this
// program, so nothing is downloaded). Other models' tokenizers differ by
// some percent; the ratios between forms hold roughly across them.

// tokenEncoding is the tokenizer the report counts with.
const tokenEncoding = "cl100k_base"

var (
	encOnce sync.Once
	enc     *tiktoken.Tiktoken
	encErr  error
)

// countTokens is the number of cl100k_base tokens of s, special tokens
// read as plain text.
func countTokens(s string) (int, error) {
	encOnce.Do(func() {
		tiktoken.SetBpeLoader(tiktoken_loader.NewOfflineLoader())
		enc, encErr = tiktoken.GetEncoding(tokenEncoding)
	})
	if encErr != nil {
		return 0, fmt.Errorf("tokenizer %s: %w", tokenEncoding, encErr)
	}
	return len(enc.EncodeOrdinary(s)), nil
}

// tokenResult is the context-cost part of the report.
type tokenResult struct {
	lists    []toolsListCost
	listings []listingCost
	skipped  []string // listing tools not measured, and why
}

// toolsListCost is one profile's tools/list: the tools array as the
// server wrote it.
type toolsListCost struct {
	profile       string
	tools         int
	bytes, tokens int
	// outputSchemaTokens are the tokens of the tools' outputSchema
	// values alone, part of tokens.
	outputSchemaTokens int
	// onDemand are the tools served but not listed (tools.on_demand), and
	// findAllTokens the tokens of find_tools's answer giving all their
	// definitions: what a model pays, once, to see them all.
	onDemand, findAllTokens int
}

// listingCost is one listing tool's result as the model may read it: the
// text content and the structuredContent, each as the server wrote it.
type listingCost struct {
	tool, profile        string
	items                int
	textBytes, textToks  int
	structBytes, structT int
}

// measureTokens reads tools/list of every shipped profile and calls every
// listing tool of the catalogue that the ssa and 2lo profiles serve, on
// the emulator's demo data. Profiles that allow stdio are spawned over it
// with their own emulator (--emulator: any auth kind works without
// credentials); a team server serves HTTP only, so it runs against the
// emulator process and the bench signs in to it as a client would.
func measureTokens(ctx context.Context, env serverEnv) (*tokenResult, error) {
	dir := filepath.Join(env.root, "profiles")
	names, err := config.ProfileNames(dir)
	if err != nil {
		return nil, err
	}
	res := &tokenResult{}
	served := map[string][]string{} // profile → tools it lists
	for _, name := range names {
		progressf("tokens: tools/list of profile %s", name)
		prof, err := config.LoadProfile(dir, name, config.Env{}, config.Overrides{})
		if err != nil {
			return nil, err
		}
		var answer, found []byte
		if prof.Team() {
			answer, found, err = teamToolsList(ctx, env, name)
		} else {
			answer, found, err = stdioToolsList(ctx, env, name)
		}
		if err != nil {
			return nil, fmt.Errorf("tools/list of profile %s: %w", name, err)
		}
		cost, tools, err := toolsListCostOf(name, answer, found)
		if err != nil {
			return nil, err
		}
		res.lists, served[name] = append(res.lists, cost), tools
	}
	catalog, err := app.LoadCatalog(filepath.Join(env.root, "tools.yaml"))
	if err != nil {
		return nil, err
	}
	var listing []string
	for _, n := range catalog.Names() {
		if catalog.Tools[n].Paginate != nil {
			listing = append(listing, n)
		}
	}
	for _, profile := range []string{"ssa", "2lo"} {
		var mine []string
		for _, n := range listing {
			if slices.Contains(served[profile], n) {
				mine = append(mine, n)
			}
		}
		listing = slices.DeleteFunc(listing, func(n string) bool { return slices.Contains(mine, n) })
		if err := measureListingTokens(ctx, env, profile, catalog.Tools, mine, res); err != nil {
			return nil, err
		}
	}
	for _, n := range listing {
		res.skipped = append(res.skipped, n+": served by neither ssa nor 2lo")
	}
	return res, nil
}

// toolsListCostOf counts one tools/list answer (a JSON-RPC response) and
// the find_tools answer giving every tool served on demand, if the
// profile has them. The names are of every tool served, listed or not.
func toolsListCostOf(profile string, answer, found []byte) (toolsListCost, []string, error) {
	tools := gjson.GetBytes(answer, "result.tools")
	if !tools.IsArray() {
		return toolsListCost{}, nil, fmt.Errorf("tools/list of profile %s answered without tools: %s", profile, firstLine(string(answer)))
	}
	c := toolsListCost{profile: profile, bytes: len(tools.Raw)}
	var names []string
	var err error
	if c.tokens, err = countTokens(tools.Raw); err != nil {
		return c, nil, err
	}
	for _, t := range tools.Array() {
		c.tools++
		names = append(names, t.Get("name").String())
		if s := t.Get("outputSchema"); s.Exists() {
			n, err := countTokens(s.Raw)
			if err != nil {
				return c, nil, err
			}
			c.outputSchemaTokens += n
		}
	}
	if found != nil {
		r := gjson.GetBytes(found, "result")
		if r.Get("isError").Bool() || !r.Get("structuredContent.tools").IsArray() {
			return c, nil, fmt.Errorf("find_tools of profile %s: %s", profile, firstLine(string(found)))
		}
		for _, t := range r.Get("structuredContent.tools").Array() {
			c.onDemand++
			names = append(names, t.Get("name").String())
		}
		var err error
		if c.findAllTokens, err = countTokens(r.Get("content.0.text").String()); err != nil {
			return c, nil, err
		}
	}
	return c, names, nil
}

// findToolsCall is the JSON-RPC params of a find_tools call for all.
const findToolsCall = `{"name":"` + ondemand.FindTools + `","arguments":{}}`

// lists reports whether a tools/list answer lists tool.
func lists(answer []byte, tool string) bool {
	return gjson.GetBytes(answer, `result.tools.#(name=="`+tool+`")`).Exists()
}

// stdioToolsList lists the tools of profile over stdio, and all those it
// serves on demand through find_tools if it lists that.
func stdioToolsList(ctx context.Context, env serverEnv, profile string) (answer, found []byte, err error) {
	s, err := startStdio(ctx, env, serverSpec{profile: profile}, "--emulator")
	if err != nil {
		return nil, nil, err
	}
	defer s.close()
	if answer, err = s.request(ctx, "tools/list", "{}"); err != nil || !lists(answer, ondemand.FindTools) {
		return answer, nil, err
	}
	found, err = s.request(ctx, "tools/call", findToolsCall)
	return answer, found, err
}

// teamToolsList starts a team server against the emulator process, signs
// in as an MCP client and lists its tools with the access token.
func teamToolsList(ctx context.Context, env serverEnv, profile string) (answer, found []byte, err error) {
	srv, err := startServer(ctx, env, serverSpec{profile: profile, env: func(addr string) []string {
		return []string{"APS_MCP_PUBLIC_URL=http://" + addr}
	}})
	if err != nil {
		return nil, nil, err
	}
	defer srv.stop()
	token, err := signInTeam(ctx, strings.TrimSuffix(srv.url, "/mcp"))
	if err != nil {
		return nil, nil, err
	}
	c, err := dialRawBearer(ctx, srv.url, legacyProtocol, rawCall{}, token)
	if err != nil {
		return nil, nil, err
	}
	defer c.close()
	a, err := c.post(ctx, "tools/list", "", `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}`)
	if err != nil || !lists(a.body, ondemand.FindTools) {
		return a.body, nil, err
	}
	answer = slices.Clone(a.body) // the client reads the next answer into the same buffer
	f, err := c.post(ctx, "tools/call", ondemand.FindTools, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":`+findToolsCall+`}`)
	return answer, f.body, err
}

// callResult is one tools/call answer's parts, as the server wrote them.
type callResult struct {
	text       string // the text contents, joined
	structured string // the structuredContent JSON
	isError    bool
}

func (s *stdioSession) callTool(ctx context.Context, tool string, args map[string]string) (callResult, error) {
	if args == nil {
		args = map[string]string{}
	}
	params, err := json.Marshal(struct {
		Name      string            `json:"name"`
		Arguments map[string]string `json:"arguments"`
	}{tool, args}) // encoding/json writes map keys sorted
	if err != nil {
		return callResult{}, err
	}
	line, err := s.request(ctx, "tools/call", string(params))
	if err != nil {
		return callResult{}, err
	}
	r := gjson.ParseBytes(line).Get("result")
	out := callResult{structured: r.Get("structuredContent").Raw, isError: r.Get("isError").Bool()}
	for _, c := range r.Get("content").Array() {
		if c.Get("type").String() == "text" {
			out.text += c.Get("text").String()
		}
	}
	if out.isError {
		return out, fmt.Errorf("%s: tool error: %s", tool, firstLine(out.text))
	}
	return out, nil
}
