#pragma once
// The journal of multipart uploads that may still be open: S3 keeps the parts of an upload that
// was neither completed nor aborted (and bills for them) until someone aborts it, and the
// connector guide's policy grants no s3:AbortMultipartUpload, nor s3:ListBucketMultipartUploads
// to find them again. So every upload id is written here *before* its first part is sent, and
// marked finished once completed or aborted: after a refused abort, a crash or kill -9, the
// journal still names it, for `shiftsync rm --incomplete-uploads` run with more permission (or
// the sync worker's sweep).
//
// Format: JSON lines, appended with O_APPEND (one write per line, so concurrent shiftsync
// processes interleave whole lines): {"event":"started"|"finished","bucket","key","upload_id",
// "time"}. `rewrite` replaces the file (temp + rename) under an exclusive flock.
//
// Thread safety: none inside a process (one executor); across processes, as above.

#include <boost/system/result.hpp>

#include <string>
#include <vector>

namespace shiftsync::transfer::s3 {

struct journal_entry {
    std::string bucket;
    std::string key;
    std::string upload_id;
    std::string time;  // ISO 8601 UTC, when the upload started
};

class upload_journal {
public:
    explicit upload_journal(std::string path) : path_(std::move(path)) {}

    // $XDG_STATE_HOME/shiftsync/incomplete-uploads.jsonl, else ~/.local/state/shiftsync/...
    static std::string default_path();

    const std::string& path() const { return path_; }

    // Appends and fsyncs (the record must survive a crash right after the part it covers).
    boost::system::result<void> record_started(const journal_entry& entry);
    boost::system::result<void> record_finished(const std::string& bucket, const std::string& key,
                                                const std::string& upload_id);

    // Uploads started and not finished, oldest first. A missing file is an empty journal.
    boost::system::result<std::vector<journal_entry>> open_entries() const;

    // Marks each of `done` finished and drops every finished pair from the file.
    boost::system::result<void> forget(const std::vector<journal_entry>& done);

private:
    boost::system::result<void> append(const std::string& line);

    std::string path_;
};

std::string utc_now_iso8601();

}  // namespace shiftsync::transfer::s3
