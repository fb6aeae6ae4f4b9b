package moodle

type siteInfo struct {
	SiteName        string      `json:"sitename"`
	Username        string      `json:"username"`
	Firstname       string      `json:"firstname"`
	Lastname        string      `json:"lastname"`
	Fullname        string      `json:"fullname"`
	Lang            string      `json:"lang"`
	UserID          int         `json:"userid"`
	SiteURL         string      `json:"siteurl"`
	UserPictureURL  string      `json:"userpictureurl"`
	Functions       []fnVersion `json:"functions"`
	DownloadFiles   int         `json:"downloadfiles"`
	UploadFiles     int         `json:"uploadfiles"`
	Release         string      `json:"release"`
	Version         string      `json:"version"`
	MobileCSSURL    string      `json:"mobilecssurl"`
	UserIsSiteAdmin bool        `json:"userissiteadmin"`
	SiteID          int         `json:"siteid"`
}

type fnVersion struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

func (s *Server) siteInfo(a args) (any, *exception) {
	u := s.st.userByUsername(s.cfg.TokenUser)
	root := s.wwwroot()
	out := siteInfo{
		SiteName: s.cfg.Seed.SiteName, Username: u.username, Firstname: u.firstname, Lastname: u.lastname,
		Fullname: u.fullname(), Lang: "en", UserID: u.id, SiteURL: root,
		UserPictureURL: root + "/theme/image.php/boost/core/1/u/f1",
		Release:        s.cfg.Seed.Release, Version: s.cfg.Seed.Version,
		UserIsSiteAdmin: u.username == "admin", SiteID: siteCourseID, Functions: []fnVersion{},
	}
	for _, f := range Functions {
		if s.functions[f] {
			out.Functions = append(out.Functions, fnVersion{Name: f, Version: s.cfg.Seed.Version})
		}
	}
	return out, nil
}
