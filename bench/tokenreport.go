package main

import (
	"fmt"
)

// tokenTables is the context-cost part of the report.
func (r *report) tokenTables() []table {
	k := r.tokens
	if k == nil {
		return nil
	}
	lists := table{part: "tokens", title: "Context cost: tools/list per profile (" + tokenEncoding + " tokens)",
		header: []string{"profile", "tools", "bytes", "tokens", "of which outputSchema", "tokens/tool", "on demand", "find_tools, all"},
		right:  []bool{false, true, true, true, true, true, true, true}}
	for _, c := range k.lists {
		onDemand, findAll := "", ""
		if c.onDemand > 0 {
			onDemand, findAll = fmt.Sprint(c.onDemand), fmt.Sprint(c.findAllTokens)
		}
		lists.rows = append(lists.rows, []string{c.profile, fmt.Sprint(c.tools), fmt.Sprint(c.bytes), fmt.Sprint(c.tokens),
			fmt.Sprint(c.outputSchemaTokens), perItem(c.tokens, c.tools), onDemand, findAll})
	}
	lists.notes = append(lists.notes, "Counted: the tools array of the tools/list answer exactly as the server wrote it "+
		"(names, titles, descriptions, input and output schemas, annotations), without the JSON-RPC envelope. "+
		"A client turns it into its own prompt format, which changes the figure by a few percent. "+
		"Tools counts those listed, find_tools and call_tool included; on demand are those served but not listed "+
		"(tools.on_demand), and find_tools, all the tokens of the text of find_tools's answer giving all their definitions, "+
		"which a model reads only when it looks for them.")

	items := table{part: "tokens", title: "Context cost: one listing call per tool on the emulator's demo data (" + tokenEncoding + " tokens)",
		header: []string{"tool", "profile", "items", "text tokens/item", "structuredContent tokens/item", "text bytes", "structuredContent bytes"},
		right:  []bool{false, false, true, true, true, true, true}}
	for _, c := range k.listings {
		items.rows = append(items.rows, []string{c.tool, c.profile, fmt.Sprint(c.items), perItem(c.textToks, c.items),
			perItem(c.structT, c.items), fmt.Sprint(c.textBytes), fmt.Sprint(c.structBytes)})
	}
	items.notes = append(items.notes, "Per item is the whole result (its envelope included) divided by the items listed. "+
		"The text content is what most clients put in the model's context; structuredContent is what a client "+
		"that reads it may use instead. Both are counted as the server wrote them, the text unescaped.")
	for _, s := range k.skipped {
		items.notes = append(items.notes, "Not measured: "+s+".")
	}
	return []table{lists, items}
}

// perItem is total ÷ n with one decimal.
func perItem(total, n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%.1f", float64(total)/float64(n))
}
