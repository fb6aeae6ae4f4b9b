package moodle_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	moodlesim "github.com/labforge/labforge/internal/sim/moodle"
)

func newSim(t *testing.T, mutate func(*moodlesim.Config)) *moodlesim.Server {
	t.Helper()
	cfg := moodlesim.Config{Debug: true}
	if mutate != nil {
		mutate(&cfg)
	}
	s, err := moodlesim.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// post sends raw form fields and returns the status and body.
func post(t *testing.T, s *moodlesim.Server, body string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+moodlesim.RESTPath, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// call posts a JSON call with the default token.
func call(t *testing.T, s *moodlesim.Server, fn, params string) string {
	t.Helper()
	body := "wstoken=" + s.Token() + "&wsfunction=" + fn + "&moodlewsrestformat=json"
	if params != "" {
		body += "&" + params
	}
	status, out := post(t, s, body)
	if status != 200 {
		t.Fatalf("%s: HTTP %d %s", fn, status, out)
	}
	return out
}

type exception struct {
	Exception string `json:"exception"`
	ErrorCode string `json:"errorcode"`
	Message   string `json:"message"`
	DebugInfo string `json:"debuginfo"`
}

func wantException(t *testing.T, body, code, debug string) {
	t.Helper()
	var e exception
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Exception == "" {
		t.Fatalf("not an exception: %s", body)
	}
	if e.ErrorCode != code || !strings.Contains(e.DebugInfo, debug) {
		t.Fatalf("exception %+v, want %s with debuginfo containing %q", e, code, debug)
	}
}

func TestExceptionsAsMoodleSendsThem(t *testing.T) {
	s := newSim(t, nil)
	tests := []struct {
		name, body, code, debug string
	}{
		{"no token", "wsfunction=core_webservice_get_site_info&moodlewsrestformat=json", "invalidtoken", ""},
		{"bad token", "wstoken=x&wsfunction=core_webservice_get_site_info&moodlewsrestformat=json", "invalidtoken", ""},
		{"no function", "wstoken=" + moodlesim.DefaultToken + "&moodlewsrestformat=json", "invalidparameter", "Missing function name"},
		{"unknown function", "wstoken=" + moodlesim.DefaultToken + "&wsfunction=core_nope&moodlewsrestformat=json", "invalidrecord", ""},
		{"missing required", "wstoken=" + moodlesim.DefaultToken + "&wsfunction=core_course_duplicate_course&moodlewsrestformat=json&courseid=2",
			"invalidparameter", "Missing required key in single structure: fullname"},
		{"unexpected key", "wstoken=" + moodlesim.DefaultToken + "&wsfunction=core_course_delete_courses&moodlewsrestformat=json&courseids[0]=9&colour=red",
			"invalidparameter", "Unexpected keys (colour) detected in parameter array."},
		{"mistyped nested", "wstoken=" + moodlesim.DefaultToken + "&wsfunction=core_course_update_courses&moodlewsrestformat=json&courses[0][id]=two",
			"invalidparameter", `courses => Invalid parameter value detected: id => Invalid parameter value detected: Invalid external api parameter: the value is "two", the server was expecting "int" type`},
		{"scalar for an array", "wstoken=" + moodlesim.DefaultToken + "&wsfunction=core_course_delete_courses&moodlewsrestformat=json&courseids=3",
			"invalidparameter", "Only arrays accepted. The bad value is: '3'"},
		{"option value other than 0 or 1", "wstoken=" + moodlesim.DefaultToken + "&wsfunction=core_course_duplicate_course&moodlewsrestformat=json&courseid=2&fullname=A&shortname=A&categoryid=1&options[0][name]=users&options[0][value]=2",
			"invalidextparam", ""},
		{"neither password nor createpassword", "wstoken=" + moodlesim.DefaultToken + "&wsfunction=core_user_create_users&moodlewsrestformat=json&users[0][username]=x&users[0][firstname]=X&users[0][lastname]=X&users[0][email]=x%40example.com",
			"invalidparameter", "Invalid password: you must provide a password, or set createpassword."},
		{"enrol an unknown user", "wstoken=" + moodlesim.DefaultToken + "&wsfunction=enrol_manual_enrol_users&moodlewsrestformat=json&enrolments[0][roleid]=5&enrolments[0][userid]=99&enrolments[0][courseid]=2",
			"codingerror", "userid:99"},
		{"bad option", "wstoken=" + moodlesim.DefaultToken + "&wsfunction=core_course_duplicate_course&moodlewsrestformat=json&courseid=2&fullname=A&shortname=A&categoryid=1&options[0][name]=colour&options[0][value]=1",
			"invalidextparam", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, s, tt.body)
			if status != 200 {
				t.Fatalf("HTTP %d", status)
			}
			wantException(t, body, tt.code, tt.debug)
		})
	}
	st := s.Stats()
	if st.Statuses[200] != int64(len(tests)) || st.Exceptions["invalidparameter"] != 6 || st.Exceptions["invalidtoken"] != 2 {
		t.Errorf("stats = %+v", st)
	}
}

func TestFunctionsAnswerLikeMoodle(t *testing.T) {
	s := newSim(t, nil)
	// Duplicate, keeping ids in the order of the form's keys.
	out := call(t, s, "core_course_duplicate_course", "courseid=2&fullname=Event+1&shortname=EV1&categoryid=1&visible=0")
	if out != `{"id":3,"shortname":"EV1"}` {
		t.Fatalf("duplicate = %s", out)
	}
	// An external authentication needs no password.
	out = call(t, s, "core_user_create_users",
		"users[1][username]=zed&users[1][firstname]=Z&users[1][lastname]=Z&users[1][email]=z%40example.com&users[1][auth]=oauth2&"+
			"users[0][username]=amy&users[0][firstname]=A&users[0][lastname]=A&users[0][email]=a%40example.com&users[0][password]=Abcdef1%21")
	if out != `[{"id":3,"username":"zed"},{"id":4,"username":"amy"}]` {
		t.Fatalf("create users = %s", out)
	}
	if out := call(t, s, "enrol_manual_enrol_users", "enrolments[0][roleid]=5&enrolments[0][userid]=3&enrolments[0][courseid]=3&enrolments[1][roleid]=3&enrolments[1][userid]=4&enrolments[1][courseid]=3"); out != "null" {
		t.Fatalf("enrol = %s", out)
	}
	out = call(t, s, "core_enrol_get_enrolled_users", "courseid=3")
	var users []struct {
		Username string `json:"username"`
		Roles    []struct {
			RoleID    int    `json:"roleid"`
			Shortname string `json:"shortname"`
		} `json:"roles"`
	}
	if err := json.Unmarshal([]byte(out), &users); err != nil || len(users) != 2 ||
		users[0].Roles[0].Shortname != "student" || users[1].Roles[0].Shortname != "editingteacher" {
		t.Fatalf("enrolled users = %s", out)
	}
	out = call(t, s, "core_course_update_courses", "courses[0][id]=3&courses[0][visible]=1&courses[1][id]=99&courses[1][visible]=0&courses[2][id]=3&courses[2][shortname]=LAB-TEMPLATE")
	var upd struct {
		Warnings []struct {
			Item        string `json:"item"`
			ItemID      int    `json:"itemid"`
			WarningCode string `json:"warningcode"`
		} `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &upd); err != nil || len(upd.Warnings) != 2 ||
		upd.Warnings[0].ItemID != 99 || upd.Warnings[0].WarningCode != "invalidrecord" ||
		upd.Warnings[1].ItemID != 3 || upd.Warnings[1].WarningCode != "shortnametaken" {
		t.Fatalf("update = %s", out)
	}
	if out := call(t, s, "core_course_duplicate_course", "courseid=2&fullname=Again&shortname=EV1&categoryid=1"); !strings.Contains(out, `"message":"Short name is already used for another course (Event 1)"`) {
		t.Errorf("duplicate onto a taken short name = %s", out)
	}
	if c, _ := s.Course(3); !c.Visible || c.Shortname != "EV1" {
		t.Errorf("course 3 = %+v", c)
	}
	out = call(t, s, "core_user_get_users_by_field", "field=username&values[0]=AMY&values[1]=nobody")
	if !strings.HasPrefix(out, `[{"id":4,"username":"amy"`) || strings.Count(out, `"id":`) != 1 {
		t.Errorf("users by field = %s", out)
	}
	out = call(t, s, "core_course_get_courses_by_field", "field=ids&value=2,3")
	if strings.Count(out, `"shortname"`) != 2 || !strings.HasSuffix(out, `"warnings":[]}`) {
		t.Errorf("courses by ids = %s", out)
	}
	if out := call(t, s, "enrol_manual_unenrol_users", "enrolments[0][userid]=3&enrolments[0][courseid]=3"); out != "null" {
		t.Fatalf("unenrol = %s", out)
	}
	if e := s.Enrolments(3); len(e) != 1 || e[0].Username != "amy" {
		t.Errorf("enrolments = %+v", e)
	}
	out = call(t, s, "core_course_delete_courses", "courseids[0]=3&courseids[1]=77")
	if out != `{"warnings":[{"item":"course","itemid":77,"warningcode":"unknowncourseidnumber","message":"Unknown course ID 77"}]}` {
		t.Errorf("delete = %s", out)
	}
	if len(s.Courses()) != 1 {
		t.Errorf("courses = %+v", s.Courses())
	}
}

func TestXMLWithoutJSONFormat(t *testing.T) {
	s := newSim(t, nil)
	_, body := post(t, s, "wstoken=bad&wsfunction=core_webservice_get_site_info")
	if !strings.Contains(body, `<EXCEPTION class="moodle_exception">`) || !strings.Contains(body, "<ERRORCODE>invalidtoken</ERRORCODE>") {
		t.Errorf("XML exception = %s", body)
	}
	_, body = post(t, s, "wstoken="+s.Token()+"&wsfunction=core_course_get_courses_by_field&field=id&value=2")
	if !strings.Contains(body, `<KEY name="shortname"><VALUE>LAB-TEMPLATE</VALUE></KEY>`) {
		t.Errorf("XML answer = %s", body)
	}
}

func TestGETAndDebugOff(t *testing.T) {
	s := newSim(t, func(c *moodlesim.Config) { c.Debug = false })
	q := url.Values{"wstoken": {s.Token()}, "wsfunction": {"core_course_get_courses_by_field"},
		"moodlewsrestformat": {"json"}, "field": {"colour"}}
	res, err := http.Get(s.URL() + moodlesim.RESTPath + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if string(b) != `{"exception":"invalid_parameter_exception","errorcode":"invalidparameter","message":"Invalid parameter value detected"}` {
		t.Errorf("answer = %s", b)
	}
}

func TestFaultsAndAdmin(t *testing.T) {
	s := newSim(t, func(c *moodlesim.Config) { c.RandomSeed = 3 })
	req, _ := http.NewRequest(http.MethodPut, s.URL()+"/_sim/faults", strings.NewReader(`{"error_rate":0.5}`))
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("PUT faults: %v %v", res, err)
	}
	res.Body.Close()
	failed := 0
	for range 100 {
		status, _ := post(t, s, "wstoken="+s.Token()+"&wsfunction=core_webservice_get_site_info&moodlewsrestformat=json")
		if status == 503 {
			failed++
		}
	}
	if failed < 30 || failed > 70 {
		t.Errorf("%d of 100 failed at rate 0.5", failed)
	}
	if err := s.SetFaults(moodlesim.Faults{}); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Post(s.URL()+"/_sim/down", "", nil); err != nil {
		t.Fatal(err)
	}
	if status, _ := post(t, s, "wsfunction=x"); status != 503 {
		t.Errorf("down: HTTP %d", status)
	}
	if _, err := http.Post(s.URL()+"/_sim/up", "", nil); err != nil {
		t.Fatal(err)
	}
	res, err = http.Get(s.URL() + "/_sim/stats")
	if err != nil {
		t.Fatal(err)
	}
	var st moodlesim.Stats
	err = json.NewDecoder(res.Body).Decode(&st)
	res.Body.Close()
	if err != nil || st.Calls["core_webservice_get_site_info"] != 100 || st.Statuses[503] != int64(failed)+1 {
		t.Errorf("stats = %+v, %v", st, err)
	}
	if s.SetFaults(moodlesim.Faults{ErrorRate: 2}) == nil || s.SetFaults(moodlesim.Faults{ErrorStatus: 404}) == nil {
		t.Error("invalid faults accepted")
	}
}

func TestSeedIsChecked(t *testing.T) {
	bad := []moodlesim.Seed{
		{Categories: []moodlesim.SeedCategory{{ID: 1, Name: "C"}}, Users: []moodlesim.SeedUser{{Username: "admin"}},
			Courses: []moodlesim.SeedCourse{{Shortname: "A", Fullname: "A"}, {Shortname: "A", Fullname: "B"}}},
		{Categories: []moodlesim.SeedCategory{{ID: 1, Name: "C"}}, Users: []moodlesim.SeedUser{{Username: "admin"}},
			Courses: []moodlesim.SeedCourse{{Shortname: "A", Fullname: "A", CategoryID: 9}}},
		{Categories: []moodlesim.SeedCategory{{ID: 1, Name: "C"}}, Users: []moodlesim.SeedUser{{Username: "someone"}}},
	}
	for i, seed := range bad {
		if _, err := moodlesim.NewServer(moodlesim.Config{Seed: &seed}); err == nil {
			t.Errorf("seed %d accepted", i)
		}
	}
	if _, err := moodlesim.NewServer(moodlesim.Config{ServiceFunctions: []string{"core_nope"}}); err == nil {
		t.Error("an unknown service function was accepted")
	}
	seed := moodlesim.DefaultSeed()
	seed.Courses = append(seed.Courses, moodlesim.SeedCourse{Shortname: "T2", Fullname: "Second template"})
	s := newSim(t, func(c *moodlesim.Config) { c.Seed = &seed })
	if cs := s.Courses(); len(cs) != 2 || cs[1].ID != 3 || !cs[1].Visible || cs[0].Visible {
		t.Errorf("courses = %+v", cs)
	}
}
