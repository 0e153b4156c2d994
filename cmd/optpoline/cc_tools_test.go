package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCCSignal stops the wrapper while its compiler runs: the compiler
// gets the signal, the temporary directory goes, and the wrapper dies by
// the same signal.
func TestCCSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			dir, bin, tmp := t.TempDir(), t.TempDir(), t.TempDir()
			copySources(t, dir)
			// slowcc records its pid and waits: the -S step never ends.
			slow := "#!/bin/sh\necho $$ > '" + dir + "/started'\nexec sleep 60\n"
			if err := os.WriteFile(filepath.Join(bin, "slowcc"), []byte(slow), 0o755); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(wrapperArgv(t, "slowcc", "-c", "x.c", "-o", "x.o")[0], wrapperArgv(t, "slowcc", "-c", "x.c", "-o", "x.o")[1:]...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), append(wrapperEnv, "TMPDIR="+tmp, "PATH="+bin+":"+os.Getenv("PATH"))...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var pid []byte
			for i := 0; i < 200 && len(pid) == 0; i++ {
				time.Sleep(25 * time.Millisecond)
				pid, _ = os.ReadFile(filepath.Join(dir, "started"))
			}
			if len(pid) == 0 {
				cmd.Process.Kill()
				t.Fatalf("the compiler did not start; stderr:\n%s", stderr.String())
			}
			if ents, _ := os.ReadDir(tmp); len(ents) != 1 {
				t.Errorf("want one private temporary directory while compiling, have %d", len(ents))
			}
			cmd.Process.Signal(sig)
			cmd.Wait()
			ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if !ws.Signaled() || ws.Signal() != sig {
				t.Errorf("wrapper ended with %v (exit %d), want death by %v; stderr:\n%s", ws, ws.ExitStatus(), sig, stderr.String())
			}
			emptyDir(t, tmp)
			if _, err := os.Stat(filepath.Join(dir, "x.o")); err == nil {
				t.Error("x.o written")
			}
			n, _ := strconv.Atoi(strings.TrimSpace(string(pid)))
			for i := 0; i < 100 && syscall.Kill(n, 0) == nil; i++ {
				time.Sleep(20 * time.Millisecond)
			}
			if syscall.Kill(n, 0) == nil {
				syscall.Kill(n, syscall.SIGKILL)
				t.Errorf("the compiler (pid %d) did not get the signal", n)
			}
		})
	}
}

// TestCCache builds twice with CC="ccache optpoline cc gcc": the second
// build is a cache hit, and the objects are the same and promoted.
func TestCCache(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	copySources(t, dir)
	bin := optpolineOnPath(t)
	env := []string{"CCACHE_DIR=" + cache, "CCACHE_CONFIGPATH=" + filepath.Join(cache, "ccache.conf"), "PATH=" + bin + ":" + os.Getenv("PATH"),
		"OPTPOLINE_FLAGS="}
	build := func(obj string) []byte {
		t.Helper()
		r := runCmd(t, dir, env, nil, "ccache", "optpoline", "cc", "gcc", "-O2", "-MD", "-c", "x.c", "-o", obj)
		if r.status != 0 {
			t.Fatalf("ccache build: %+v", r)
		}
		data, err := os.ReadFile(filepath.Join(dir, obj))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	first := build("x.o")
	direct := runCmd(t, dir, wrapperEnv, nil, wrapperArgv(t, "gcc", "-O2", "-MD", "-c", "x.c", "-o", "direct.o")...)
	if direct.status != 0 {
		t.Fatalf("wrapper: %+v", direct)
	}
	if d, _ := os.ReadFile(filepath.Join(dir, "direct.o")); !bytes.Equal(d, first) {
		t.Error("the wrapper's object differs from run to run")
	}
	os.Remove(filepath.Join(dir, "x.o"))
	os.Remove(filepath.Join(dir, "x.d"))
	second := build("x.o")
	if !bytes.Equal(first, second) {
		t.Error("cached object differs")
	}
	if !hasSites(t, filepath.Join(dir, "x.o")) {
		t.Error("no optpoline_sites in the cached object")
	}
	if _, err := os.Stat(filepath.Join(dir, "x.d")); err != nil {
		t.Errorf("dependency file not restored: %v", err)
	}
	stats := runCmd(t, dir, env, nil, "ccache", "--print-stats")
	hits := 0
	for _, line := range strings.Split(stats.stdout, "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && (f[0] == "direct_cache_hit" || f[0] == "preprocessed_cache_hit") {
			n, _ := strconv.Atoi(f[1])
			hits += n
		}
	}
	if hits != 1 {
		t.Errorf("cache hits = %d, want 1:\n%s", hits, stats.stdout)
	}

	// CC="optpoline cc ccache gcc": ccache caches the -S step.
	for _, obj := range []string{"l1.o", "l2.o"} {
		r := runCmd(t, dir, env, nil, filepath.Join(bin, "optpoline"), "cc", "ccache", "gcc", "-O2", "-c", "x.c", "-o", obj)
		if r.status != 0 {
			t.Fatalf("optpoline cc ccache gcc: %+v", r)
		}
	}
	l1, _ := os.ReadFile(filepath.Join(dir, "l1.o"))
	l2, _ := os.ReadFile(filepath.Join(dir, "l2.o"))
	if !bytes.Equal(l1, l2) || !hasSites(t, filepath.Join(dir, "l2.o")) {
		t.Error("launcher form: objects differ or lack sites")
	}
	if s := runCmd(t, dir, env, nil, "ccache", "--print-stats").stdout; !strings.Contains(s, "direct_cache_hit\t2") {
		t.Errorf("launcher form: no second cache hit:\n%s", s)
	}
}

// TestCCDistcc compiles with CC="optpoline cc distcc gcc" against a
// distccd of its own on 127.0.0.1: the daemon compiles, the wrapper
// marks up and assembles locally.
func TestCCDistcc(t *testing.T) {
	dir := t.TempDir()
	copySources(t, dir)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	// The log goes to stderr: run as root, distccd drops to a user of its
	// own, who may not write in the test's directories.
	daemon := exec.Command("distccd", "--daemon", "--no-detach", "--allow", "127.0.0.1", "--listen", "127.0.0.1",
		"--port", port, "--log-stderr", "--log-level", "info", "--jobs", "2")
	var log bytes.Buffer
	daemon.Stderr = &log
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			daemon.Process.Signal(syscall.SIGTERM)
			daemon.Wait()
			stopped = true
		}
	}
	defer stop()
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	env := append([]string{"DISTCC_HOSTS=127.0.0.1:" + port, "DISTCC_FALLBACK=0", "DISTCC_DIR=" + t.TempDir()}, wrapperEnv...)
	r := runCmd(t, dir, env, nil, wrapperArgv(t, "distcc", "gcc", "-O2", "-c", "x.c", "-o", "x.o")...)
	if r.status != 0 {
		t.Fatalf("distcc build: %+v", r)
	}
	if !hasSites(t, filepath.Join(dir, "x.o")) {
		t.Error("no optpoline_sites in the object")
	}
	// Queries go through the launcher too.
	v := runCmd(t, dir, env, nil, wrapperArgv(t, "distcc", "gcc", "-dumpversion")...)
	if bare := runCmd(t, dir, nil, nil, "gcc", "-dumpversion"); v != bare {
		t.Errorf("distcc gcc -dumpversion: %+v, want %+v", v, bare)
	}
	stop()
	if s := log.String(); !strings.Contains(s, "COMPILE_OK") || !strings.Contains(s, "x.c") {
		t.Errorf("distccd compiled nothing; its log:\n%s", s)
	}
}
