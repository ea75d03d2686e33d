// Command gen writes specfacts/facts.json from the APS OpenAPI specs. It is
// run by `go generate ./specfacts`, whose working directory is specfacts/,
// hence the default paths.
//
// It builds on package specfacts, which embeds facts.json, so that file must
// exist for gen to compile; if it was deleted, restore it from git (any
// content will do) and regenerate.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/aps-mcp/aps-mcp/specfacts/internal/extract"
)

func main() {
	specs := flag.String("specs", "../../shared/aps-openapi", "folder holding the APS OpenAPI *.yaml files")
	out := flag.String("out", "facts.json", "file to write")
	flag.Parse()
	if err := run(*specs, *out); err != nil {
		fmt.Fprintln(os.Stderr, "specfacts/gen:", err)
		os.Exit(1)
	}
}

func run(specs, out string) error {
	facts, err := extract.Dir(specs)
	if err != nil {
		return err
	}
	data, err := extract.Encode(facts)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return fmt.Errorf("writing facts: %w", err)
	}
	fmt.Printf("specfacts/gen: wrote %d operations to %s\n", len(facts.Operations), out)
	return nil
}
