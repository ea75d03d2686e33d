package strictyaml

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Source is where a configuration file is read from: Path on disk, or,
// when FS is set, Path inside FS. FS holds the binary's built-in files,
// so problems name such a file "Path (built in)": a user reading them
// then knows no file of theirs is meant.
type Source struct {
	FS   fs.FS
	Path string
}

// BuiltinMark ends the name of a built-in file (Source.String).
const BuiltinMark = " (built in)"

// String is the file's name as problems give it.
func (s Source) String() string {
	if s.FS != nil {
		return s.Path + BuiltinMark
	}
	return s.Path
}

// Exists reports whether the file is there to be read.
func (s Source) Exists() bool {
	var err error
	if s.FS != nil {
		_, err = fs.Stat(s.FS, s.Path)
	} else {
		_, err = os.Stat(s.Path)
	}
	return err == nil
}

// Read reads and parses the file, as ReadFile does.
func (s Source) Read() (*Document, error) {
	data, err := s.bytes()
	if err != nil {
		return nil, err
	}
	return Parse(s.String(), data)
}

// ReadComplete reads and parses the file, as ReadComplete does: it must
// end with "...".
func (s Source) ReadComplete() (*Document, error) {
	data, err := s.bytes()
	if err != nil {
		return nil, err
	}
	if p := checkEnd(s.String(), data); p != nil {
		return nil, Problems{*p}
	}
	return Parse(s.String(), data)
}

// bytes reads the file, returning a failure as Problems.
func (s Source) bytes() ([]byte, error) {
	var data []byte
	var err error
	if s.FS != nil {
		data, err = fs.ReadFile(s.FS, s.Path)
	} else {
		data, err = os.ReadFile(s.Path)
	}
	if err != nil {
		msg := fmt.Sprintf("cannot read: %v", err)
		if errors.Is(err, fs.ErrNotExist) {
			msg = "cannot read: no such file"
		}
		return nil, Problems{{File: s.String(), Message: msg}}
	}
	return data, nil
}
