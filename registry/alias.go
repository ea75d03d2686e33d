package registry

import "unsafe"

// aliasString returns b as a string that shares b's memory instead of
// copying it, which is what lets gjson read APS's answers and the text
// content repeat the structured content without a copy.
//
// The contract, which the compiler does not check: nothing may write b
// while the string, or any string sliced from it (gjson results are such
// slices), is still in use. Callers keep it by copying what they keep out
// of a buffer before the buffer is reused (the lister and projectAnswer
// append projected items to a buffer of their own) and by not touching a
// document once it is in a result.
func aliasString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
