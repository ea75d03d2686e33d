package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aps-mcp/aps-mcp/internal/apsemu"
)

// Bounds on the waits around processes.
const (
	buildTimeout = 5 * time.Minute
	readyTimeout = 30 * time.Second
	stopTimeout  = 15 * time.Second // the server's own shutdown grace is 5 s
)

// moduleRoot is the directory of the go.mod this program belongs to.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside the aps-mcp module: run go run ./bench from the repository")
	}
	return filepath.Dir(gomod), nil
}

// buildBinary builds aps-mcp from root into dir, once for the whole run.
func buildBinary(ctx context.Context, root, dir string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	bin := filepath.Join(dir, "aps-mcp")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building aps-mcp: %v\n%s", err, out)
	}
	return bin, nil
}

// serverEnv is what every server process is started with.
type serverEnv struct {
	bin, root string
	baseURL   string // the emulator
	workDir   string // parent of each process's own directory
}

// environ is the whole environment of a server process: nothing from the
// caller's shell (no stray APS_* variables) reaches it.
func (e serverEnv) environ() []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + e.workDir,
		"APS_BASE_URL=" + e.baseURL,
		"APS_CLIENT_ID=" + apsemu.DemoClientID,
		"APS_CLIENT_SECRET=" + apsemu.DemoClientSecret,
	}
}

// serverSpec says which server process to start: the profile (2lo when
// empty) from profilesDir (the shipped profiles when empty), with the
// pprof endpoints or not, and env adding variables that name the address
// the server will listen on (a callback or public URL).
type serverSpec struct {
	profile, profilesDir string
	pprof                bool
	env                  func(addr string) []string
}

// command is the server binary with the common flags; it runs in an empty
// directory so no .env is read.
func (e serverEnv) command(spec serverSpec, extra ...string) (*exec.Cmd, error) {
	dir, err := os.MkdirTemp(e.workDir, "proc-")
	if err != nil {
		return nil, err
	}
	profilesDir, profile := spec.profilesDir, spec.profile
	if profilesDir == "" {
		profilesDir = filepath.Join(e.root, "profiles")
	}
	if profile == "" {
		profile = "2lo"
	}
	args := append([]string{"--profile", profile, "--no-reload", "--log-level", "warn",
		"--tools", filepath.Join(e.root, "tools.yaml"), "--profiles", profilesDir}, extra...)
	cmd := exec.Command(e.bin, args...)
	cmd.Dir, cmd.Env = dir, e.environ()
	return cmd, nil
}

// serverProc is one aps-mcp process serving streamable HTTP.
type serverProc struct {
	cmd *exec.Cmd
	url string // the MCP endpoint
	// pprofURL is where the server's /debug/pprof endpoints are, when
	// asked for.
	pprofURL string
	stderr   *syncBuffer
	exited   chan struct{}
	err      error // Wait's result, once exited is closed
}

// startServer runs aps-mcp over HTTP on a free loopback port and waits
// until it answers /healthz. At --log-level warn the server does not log
// its URL, so the port is chosen here: a listener on 127.0.0.1:0 tells a
// free one, closed just before the server binds it.
// With spec.pprof the server also serves its profiling endpoints
// (pprofURL) on another such port.
func startServer(ctx context.Context, env serverEnv, spec serverSpec) (*serverProc, error) {
	addr, err := freeLoopbackPort()
	if err != nil {
		return nil, err
	}
	args := []string{"--transport", "http", "--addr", addr}
	pprofAddr := ""
	if spec.pprof {
		if pprofAddr, err = freeLoopbackPort(); err != nil {
			return nil, err
		}
		args = append(args, "--pprof", pprofAddr)
	}
	cmd, err := env.command(spec, args...)
	if err != nil {
		return nil, err
	}
	if spec.env != nil {
		cmd.Env = append(cmd.Env, spec.env(addr)...)
	}
	p := &serverProc{cmd: cmd, url: "http://" + addr + "/mcp", stderr: &syncBuffer{}, exited: make(chan struct{})}
	if spec.pprof {
		p.pprofURL = "http://" + pprofAddr + "/debug/pprof"
	}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { p.err = cmd.Wait(); close(p.exited) }()

	hc := &http.Client{Timeout: time.Second}
	defer hc.CloseIdleConnections()
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case <-p.exited:
			return nil, fmt.Errorf("aps-mcp exited before serving (%v):\n%s", p.err, p.stderr)
		case <-ctx.Done():
			p.stop()
			return nil, ctx.Err()
		default:
		}
		if resp, err := hc.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("aps-mcp did not answer /healthz within %v:\n%s", readyTimeout, p.stderr)
		}
		time.Sleep(10 * time.Millisecond) // readiness polling only; nothing is measured here
	}
}

func (p *serverProc) pid() int { return p.cmd.Process.Pid }

// freeLoopbackPort is a 127.0.0.1 port nothing listens on just now.
func freeLoopbackPort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// stop asks the server to shut down and kills it if it does not.
func (p *serverProc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(stopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// procStatus reads a "kB" field (VmRSS, VmHWM) of /proc/PID/status, in bytes.
func procStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no %s", pid, field)
}

// processCPU is the user and system CPU time pid has used, all threads.
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name in parentheses: state is field 3,
	// utime 14 and stime 15, in clock ticks (USER_HZ, 100 on Linux).
	_, rest, _ := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// selfCPU is the CPU time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS starts a new VmHWM for pid (Linux: "5" to clear_refs).
func resetPeakRSS(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// syncBuffer collects a process's stderr for error messages.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buf.Len() > 1<<20 { // keep the beginning; a flood of log lines is not needed
		return len(p), nil
	}
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// stdioPipes connects to cmd's stdin and stdout; call it before cmd.Start.
func stdioPipes(cmd *exec.Cmd) (io.WriteCloser, io.ReadCloser, error) {
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, fmt.Errorf("stdin pipe: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		_ = stdin.Close()
		return nil, nil, fmt.Errorf("stdout pipe: %w", err)
	}
	return stdin, stdout, nil
}
