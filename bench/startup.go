package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// startupTimeout bounds one start-up measurement.
const startupTimeout = 30 * time.Second

// stdioHandshake is what a client that spawns the server writes first:
// the 2025-11-25 handshake, then tools/list.
const stdioHandshake = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"aps-mcp-bench","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/list"}
`

// startupResult is part 3 of the report.
type startupResult struct {
	runs          []time.Duration // sorted
	tools         int             // tools the answer listed
	median, worst time.Duration
}

// measureStartup spawns the server over stdio runs times and times each
// from just before the process starts to the arrival of the complete
// tools/list response line.
func measureStartup(ctx context.Context, env serverEnv, runs int) (startupResult, error) {
	var r startupResult
	for range runs {
		d, tools, err := startupOnce(ctx, env)
		if err != nil {
			return r, err
		}
		r.runs, r.tools = append(r.runs, d), tools
	}
	slices.Sort(r.runs)
	r.median, r.worst = median(r.runs), r.runs[len(r.runs)-1]
	return r, nil
}

func median(sorted []time.Duration) time.Duration {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func startupOnce(ctx context.Context, env serverEnv) (time.Duration, int, error) {
	cmd, err := env.command(serverSpec{}, "--transport", "stdio")
	if err != nil {
		return 0, 0, err
	}
	stdin, stdout, err := stdioPipes(cmd)
	if err != nil {
		return 0, 0, err
	}
	stderr := &syncBuffer{}
	cmd.Stderr = stderr

	got := make(chan toolsListAnswer, 1)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	exited := make(chan struct{})
	defer func() {
		_ = stdin.Close() // EOF on stdin ends the server
		select {
		case <-exited:
		case <-time.After(stopTimeout):
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	go func() { got <- readToolsList(stdout) }()
	go func() { _ = cmd.Wait(); close(exited) }()
	// A pipe takes these few hundred bytes at once; the server reads them
	// when it is ready, as it would from a client.
	if _, err := io.WriteString(stdin, stdioHandshake); err != nil {
		return 0, 0, fmt.Errorf("writing to aps-mcp's stdin: %w\n%s", err, stderr)
	}
	select {
	case a := <-got:
		if a.err != nil {
			return 0, 0, fmt.Errorf("stdio start-up: %w\n%s", a.err, stderr)
		}
		return a.at.Sub(start), a.tools, nil
	case <-time.After(startupTimeout):
		_ = cmd.Process.Kill()
		return 0, 0, fmt.Errorf("stdio start-up: no tools/list answer within %v\n%s", startupTimeout, stderr)
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		return 0, 0, ctx.Err()
	}
}

// toolsListAnswer is when the tools/list answer arrived and what it held.
type toolsListAnswer struct {
	at    time.Time
	tools int
	err   error
}

// readToolsList reads response lines until the tools/list answer (id 2).
func readToolsList(r io.Reader) (a toolsListAnswer) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadBytes('\n')
		if err != nil {
			a.err = fmt.Errorf("stdout ended before the tools/list answer: %w", err)
			return a
		}
		at := time.Now()
		var msg struct {
			ID     json.RawMessage `json:"id"`
			Result *struct {
				Tools []json.RawMessage `json:"tools"`
			} `json:"result"`
			Error json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal(line, &msg); err != nil {
			a.err = fmt.Errorf("a line on stdout is not JSON-RPC: %q", line)
			return a
		}
		if string(msg.ID) != "2" {
			continue
		}
		if msg.Result == nil {
			a.err = errors.New("tools/list failed: " + string(msg.Error))
			return a
		}
		a.at, a.tools = at, len(msg.Result.Tools)
		return a
	}
}
