package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"time"

	"github.com/tidwall/gjson"
)

// stdioTimeout bounds one request of a stdio session.
const stdioTimeout = 30 * time.Second

// stdioSession is one aps-mcp process spoken to over stdio, one request
// at a time, its answers kept as the bytes it wrote: what a client that
// spawns the server reads.
type stdioSession struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan []byte // stdout, a line at a time; closed at EOF
	stderr *syncBuffer
	exited chan struct{}
	id     int
}

// startStdio spawns the server over stdio with the given extra flags and
// initializes a 2025-11-25 session.
func startStdio(ctx context.Context, env serverEnv, spec serverSpec, extra ...string) (*stdioSession, error) {
	cmd, err := env.command(spec, append([]string{"--transport", "stdio"}, extra...)...)
	if err != nil {
		return nil, err
	}
	stdin, stdout, err := stdioPipes(cmd)
	if err != nil {
		return nil, err
	}
	s := &stdioSession{cmd: cmd, stdin: stdin, lines: make(chan []byte, 16), stderr: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		br := bufio.NewReaderSize(stdout, 1<<20)
		for {
			line, err := br.ReadBytes('\n')
			if len(line) > 0 {
				s.lines <- line
			}
			if err != nil {
				close(s.lines)
				return
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(s.exited) }()
	if _, err := s.request(ctx, "initialize", `{"protocolVersion":"`+legacyProtocol+`","capabilities":{},"clientInfo":{"name":"aps-mcp-bench","version":"1"}}`); err != nil {
		s.close()
		return nil, err
	}
	if _, err := io.WriteString(stdin, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n"); err != nil {
		s.close()
		return nil, fmt.Errorf("writing to aps-mcp's stdin: %w", err)
	}
	return s, nil
}

// request sends one request and returns the raw line of its answer; a
// JSON-RPC error is an error.
func (s *stdioSession) request(ctx context.Context, method, params string) ([]byte, error) {
	s.id++
	msg := `{"jsonrpc":"2.0","id":` + strconv.Itoa(s.id) + `,"method":"` + method + `","params":` + params + "}\n"
	if _, err := io.WriteString(s.stdin, msg); err != nil {
		return nil, fmt.Errorf("writing to aps-mcp's stdin: %w\n%s", err, s.stderr)
	}
	timeout := time.NewTimer(stdioTimeout)
	defer timeout.Stop()
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				return nil, fmt.Errorf("%s: aps-mcp's stdout ended\n%s", method, s.stderr)
			}
			if gjson.GetBytes(line, "id").Int() != int64(s.id) {
				continue // a notification, or a request of the server's
			}
			if e := gjson.GetBytes(line, "error"); e.Exists() {
				return nil, fmt.Errorf("%s: JSON-RPC error %s", method, e.Raw)
			}
			return line, nil
		case <-timeout.C:
			return nil, fmt.Errorf("%s: no answer within %v\n%s", method, stdioTimeout, s.stderr)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// close ends the server by closing its stdin and waits a bounded time.
func (s *stdioSession) close() {
	_ = s.stdin.Close()
	select {
	case <-s.exited:
	case <-time.After(stopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}
