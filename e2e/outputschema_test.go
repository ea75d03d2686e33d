package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/aps-mcp/aps-mcp/app"
	"github.com/aps-mcp/aps-mcp/internal/schematest"
	"github.com/aps-mcp/aps-mcp/ondemand"
)

// Every successful result a test gets through callTool is checked
// against the outputSchema the server lists for the tool: the MCP spec
// says structured content must conform to it.
var (
	// outputSchemas holds, per client, each tool's outputSchema as the
	// server last listed it.
	outputSchemas sync.Map // *client.Client → map[string][]byte
	// conformed counts, per tool, the results found to conform.
	conformed sync.Map // tool name → *atomic.Int64
)

// checkConforms reports how a successful result of tool name fails its
// outputSchema. A schema that fails is listed afresh once before that
// counts, since a reload may have changed the tool since it was cached.
func checkConforms(c *client.Client, name string, res *mcp.CallToolResult) error {
	if res.IsError {
		return nil
	}
	doc, err := json.Marshal(res.StructuredContent)
	if err != nil {
		return err
	}
	var failure error
	for _, fresh := range []bool{false, true} {
		schemas, err := listedSchemas(c, fresh)
		if err != nil {
			return err
		}
		schema, ok := schemas[name]
		if !ok {
			failure = fmt.Errorf("tools/list gives %s no outputSchema", name)
			continue
		}
		if failure = schematest.Validate(schema, doc); failure == nil {
			n, _ := conformed.LoadOrStore(name, new(atomic.Int64))
			n.(*atomic.Int64).Add(1)
			return nil
		}
	}
	return fmt.Errorf("%s: structuredContent does not conform to its outputSchema: %w", name, failure)
}

// listedSchemas are the outputSchemas of the tools c's server lists.
func listedSchemas(c *client.Client, fresh bool) (map[string][]byte, error) {
	if cached, ok := outputSchemas.Load(c); ok && !fresh {
		return cached.(map[string][]byte), nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		return nil, fmt.Errorf("listing tools for their outputSchema: %w", err)
	}
	schemas := map[string][]byte{}
	onDemand := false
	for _, tool := range list.Tools {
		onDemand = onDemand || tool.Name == ondemand.FindTools
		if tool.OutputSchema.Type == "" {
			continue
		}
		if schemas[tool.Name], err = json.Marshal(tool.OutputSchema); err != nil {
			return nil, err
		}
	}
	if onDemand {
		// The tools served on demand are not listed: their schemas are
		// tools.yaml's, the same the server builds them from.
		catalog, err := app.LoadCatalog(filepath.Join(repoRoot, "tools.yaml"))
		if err != nil {
			return nil, err
		}
		for name, t := range catalog.Tools {
			if _, listed := schemas[name]; !listed {
				schemas[name] = t.MCPTool().RawOutputSchema
			}
		}
	}
	outputSchemas.Store(c, schemas)
	return schemas, nil
}

// conformedResults is how many results of tool name were checked and
// found to conform.
func conformedResults(name string) int64 {
	n, ok := conformed.Load(name)
	if !ok {
		return 0
	}
	return n.(*atomic.Int64).Load()
}
