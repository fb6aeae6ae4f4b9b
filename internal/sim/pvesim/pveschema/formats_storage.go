package pveschema

// Storage formats from pve-storage's PVE::Storage::Plugin and the pair
// formats of pve-common's PVE::JSONSchema.

var (
	reStoragePath = anchoredPrefix(`/[^;()]+`)
	reLVMName     = anchored(`(?i)[a-z0-9][a-z0-9\-_.]*[a-z0-9]`)
	reStorageFmt  = anchored(`raw|qcow2|vmdk|subvol`)
	reNoSpace     = anchored(`\S+`)
	reVolumeID    = anchored(`(?i)([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)`)
	reIDPair      = anchored(`([^:]+):([^:]+)`)
)

// storageContentTypes are the content types of the "dir" plugin, which
// verify_content uses as the union of all types.
var storageContentTypes = map[string]bool{
	"images": true, "rootdir": true, "vztmpl": true, "iso": true,
	"backup": true, "snippets": true, "none": true, "import": true,
}

func verifyStoragePath(v string) string {
	if !reStoragePath.MatchString(v) {
		return "value does not look like a valid absolute path\n"
	}
	return ""
}

func verifyStorageServer(v string) string {
	if !reIP.MatchString(v) && !isDNSName(chompPerl(v)) {
		return "value does not look like a valid server name or IP address\n"
	}
	return ""
}

func verifyLVMName(v string) string {
	if !reLVMName.MatchString(v) {
		return "lvm name '" + v + "' contains illegal characters\n"
	}
	return ""
}

func verifyStorageContent(v string) string {
	if !storageContentTypes[v] {
		return "invalid content type '" + v + "'\n"
	}
	return ""
}

func verifyStorageFormat(v string) string {
	if !reStorageFmt.MatchString(v) {
		return "invalid format '" + v + "'\n"
	}
	return ""
}

func verifyStorageOptions(v string) string {
	if !reNoSpace.MatchString(v) {
		return "invalid options '" + v + "'\n"
	}
	return ""
}

func verifyVolumeID(v string) string {
	if !reVolumeID.MatchString(v) {
		return "unable to parse volume ID '" + v + "'\n"
	}
	return ""
}

func verifyStoragePair(v string) string { return verifyIDPair(v, verifyStorageID) }
func verifyBridgePair(v string) string  { return verifyIDPair(v, verifyBridgeID) }

// verifyIDPair mirrors $verify_idpair around parse_idmap for one list entry:
// "1" (identity), "source:target" or a default target. The doubled and
// tripled newlines are Perl's: each layer appends one to the message below.
func verifyIDPair(entry string, id verifier) string {
	if entry == "1" {
		return ""
	}
	var msg string
	if m := reIDPair.FindStringSubmatch(entry); m != nil {
		if msg = id(m[1]); msg == "" {
			msg = id(m[2])
		}
	} else {
		msg = id(entry)
	}
	if msg == "" {
		return ""
	}
	return "entry '" + entry + "' contains invalid ID - " + msg + "\n\n"
}
