package x86

// lowerASCII copies s into buf with ASCII letters lowered. It reports
// false if s is longer than max or has no upper case letter, that is when
// the lowered copy cannot find anything s did not.
func lowerASCII(s string, max int, buf *[16]byte) ([]byte, bool) {
	if len(s) > max || max > len(buf) {
		return nil, false
	}
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c-'A' < 26 {
			c += 'a' - 'A'
			upper = true
		}
		buf[i] = c
	}
	return buf[:len(s)], upper
}
