package registry

import (
	"fmt"
	"maps"

	"github.com/aps-mcp/aps-mcp/defaults"
)

// LimitArg is the argument every paginated tool takes to return fewer
// items than its cap; the cursor of a result it cut continues after them.
const LimitArg = "limit"

// addListArgs declares in props the arguments every paginated tool takes
// besides its own: the cursor that continues a listing and the limit that
// cuts one.
func addListArgs(props map[string]any) {
	maps.Copy(props, map[string]any{
		CursorArg: map[string]any{
			"type":        "string",
			"description": "Continues a truncated result (same other arguments).",
		},
		LimitArg: map[string]any{
			"type":    "integer",
			"minimum": 1,
			"description": fmt.Sprintf("At most this many items (default %d, or about %dk tokens).",
				defaults.MaxItems, defaults.MaxResultTokens/1000),
		},
	})
}

// takeLimit removes the limit argument from args and reads it: 0 when
// the call sets none. The rest is what a cursor is bound to, so a
// continuing call may ask for another limit.
func takeLimit(args map[string]any) (map[string]any, int, error) {
	raw, ok := args[LimitArg]
	if !ok {
		return args, 0, nil
	}
	rest := make(map[string]any, len(args)-1)
	for k, v := range args {
		if k != LimitArg {
			rest[k] = v
		}
	}
	if raw == nil {
		return rest, 0, nil
	}
	one := 1.0
	v, err := checkValue(&Param{Type: "integer", Minimum: &one}, raw)
	if err != nil {
		return nil, 0, &ArgError{Arg: LimitArg, Message: err.Error()}
	}
	return rest, int(min(v.(int64), int64(maxLimit))), nil
}

// maxLimit bounds a limit before it meets the caps, so it fits an int.
const maxLimit = 1 << 30
