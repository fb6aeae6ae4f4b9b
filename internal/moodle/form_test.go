package moodle

import (
	"net/url"
	"testing"
)

func TestEncodeParams(t *testing.T) {
	type option struct {
		Name  string `moodle:"name"`
		Value int    `moodle:"value"`
	}
	type enrolment struct {
		RoleID    int   `moodle:"roleid"`
		UserID    int   `moodle:"userid"`
		CourseID  int   `moodle:"courseid"`
		TimeStart int64 `moodle:"timestart,omitempty"`
		Suspend   bool  `moodle:"suspend,omitempty"`
	}
	eleven := make([]int, 11)
	for i := range eleven {
		eleven[i] = i + 100
	}
	tests := []struct {
		name   string
		params any
		want   string // decoded, for readability
	}{
		{"nil", nil, ""},
		{"scalars", struct {
			Field string `moodle:"field"`
			ID    int    `moodle:"courseid"`
			On    bool   `moodle:"visible"`
			Off   bool   `moodle:"hidden"`
		}{"shortname", 7, true, false}, "field=shortname&courseid=7&visible=1&hidden=0"},
		{"untagged fields are lower-cased, '-' is skipped", struct {
			Shortname string
			Secret    string `moodle:"-"`
		}{"X", "y"}, "shortname=X"},
		{"list of scalars", struct {
			IDs []int `moodle:"courseids"`
		}{[]int{4, 2}}, "courseids[0]=4&courseids[1]=2"},
		{"list keeps numeric order past ten", struct {
			IDs []int `moodle:"ids"`
		}{eleven}, "ids[0]=100&ids[1]=101&ids[2]=102&ids[3]=103&ids[4]=104&ids[5]=105&ids[6]=106&ids[7]=107&ids[8]=108&ids[9]=109&ids[10]=110"},
		{"list of structs with omitempty", struct {
			E []enrolment `moodle:"enrolments"`
		}{[]enrolment{{5, 10, 3, 0, false}, {3, 11, 3, 1700000000, true}}},
			"enrolments[0][roleid]=5&enrolments[0][userid]=10&enrolments[0][courseid]=3&" +
				"enrolments[1][roleid]=3&enrolments[1][userid]=11&enrolments[1][courseid]=3&enrolments[1][timestart]=1700000000&enrolments[1][suspend]=1"},
		{"nested struct and nil pointer", struct {
			Opts []option `moodle:"options"`
			Ptr  *int     `moodle:"ptr"`
		}{[]option{{"users", 0}}, nil}, "options[0][name]=users&options[0][value]=0"},
		{"map sorted by key", map[string]any{"b": []string{"x y", "z&w"}, "a": 1},
			"a=1&b[0]=x y&b[1]=z&w"},
		{"empty list sends nothing", struct {
			IDs []int `moodle:"courseids"`
		}{nil}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f form
			if err := encodeParams(&f, tt.params); err != nil {
				t.Fatalf("encodeParams: %v", err)
			}
			enc := f.encode()
			got, err := url.QueryUnescape(enc)
			if err != nil {
				t.Fatalf("undecodable %q: %v", enc, err)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestEncodeEscapes(t *testing.T) {
	var f form
	if err := encodeParams(&f, map[string]string{"fullname": "Lab & Co = 100%"}); err != nil {
		t.Fatal(err)
	}
	if got, want := f.encode(), "fullname=Lab+%26+Co+%3D+100%25"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	f = form{}
	f.add("users[0][username]", "a")
	if got, want := f.encode(), "users%5B0%5D%5Busername%5D=a"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestEncodeRejects(t *testing.T) {
	for name, p := range map[string]any{
		"top-level scalar": 5,
		"channel field":    struct{ C chan int }{make(chan int)},
		"int map keys":     map[int]string{1: "a"},
	} {
		var f form
		if err := encodeParams(&f, p); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
