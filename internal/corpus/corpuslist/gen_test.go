package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestGenCDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := genC(&a, 20, seed); err != nil {
		t.Fatal(err)
	}
	if err := genC(&b, 20, seed); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("genC is not deterministic")
	}
	src := a.String()
	for _, want := range []string{"switch (cmd)", "->ops->ioctl(", "_handlers[", "__thread", "va_start", "va_arg", "printf(\"", "for (int i"} {
		if !strings.Contains(src, want) {
			t.Errorf("generated C lacks %q", want)
		}
	}
}
